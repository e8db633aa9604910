namespace Platform.ClusterTests.Harness;

/// <summary>
/// The servers scripts/test.sh starts for these tests, read from environment variables. A missing variable is a
/// failure with instructions, never a skip: CI must not pass by running nothing.
/// </summary>
public static class ClusterTestEnvironment
{
    /// <summary>Npgsql connection string of the throw-away PostgreSQL (membership and reminders).</summary>
    public const string PostgresVariable = "PLATFORM_TEST_POSTGRES";

    /// <summary>Azure Table connection string of the throw-away Azurite (grain state).</summary>
    public const string AzuriteVariable = "PLATFORM_TEST_AZURE_TABLES";

    public static string PostgresConnectionString => Require(PostgresVariable, "PostgreSQL");

    public static string AzuriteConnectionString => Require(AzuriteVariable, "Azurite");

    private static string Require(string variable, string server) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{variable} is not set. The multi-process cluster tests need a real {server}: run them through scripts/test.sh, " +
                $"which starts PostgreSQL and Azurite and exports {PostgresVariable} and {AzuriteVariable} (see docs/testing.md).");
}
