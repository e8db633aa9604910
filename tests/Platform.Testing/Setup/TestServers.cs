namespace Platform.Testing.Setup;

/// <summary>
/// The throw-away PostgreSQL and Azurite that <c>scripts/test.sh</c> starts, read from its environment variables.
/// A missing variable is a failure with instructions, never a skip: CI must not pass by running nothing.
/// </summary>
public static class TestServers
{
    /// <summary>Npgsql connection string of the test PostgreSQL (membership, reminders).</summary>
    public const string PostgresVariable = "PLATFORM_TEST_POSTGRES";

    /// <summary>Azure Table connection string of the test Azurite (grain, shard and transactional state).</summary>
    public const string AzureTablesVariable = "PLATFORM_TEST_AZURE_TABLES";

    public static string Postgres => Require(PostgresVariable, "PostgreSQL");

    public static string AzureTables => Require(AzureTablesVariable, "Azurite");

    private static string Require(string variable, string server) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{variable} is not set. These tests need a real {server}: run them through scripts/test.sh, which starts " +
                $"PostgreSQL and Azurite and exports {PostgresVariable} and {AzureTablesVariable} " +
                "(or source scripts/lib/test-services.sh and call platform_services_start; see docs/testing.md).");
}
