namespace Platform.Tests.Infrastructure;

/// <summary>
/// The throw-away PostgreSQL and Azurite that <c>scripts/test.sh</c> starts, from its environment variables.
/// Missing variables fail the tests that need them (never a silent skip).
/// </summary>
public static class ExternalServices
{
    /// <summary>Npgsql connection string of the test PostgreSQL database.</summary>
    public const string PostgresVariable = "PLATFORM_TEST_POSTGRES";

    /// <summary>Azure Table storage connection string of the test Azurite.</summary>
    public const string AzureTablesVariable = "PLATFORM_TEST_AZURE_TABLES";

    public static string Postgres => Require(PostgresVariable);

    public static string AzureTables => Require(AzureTablesVariable);

    private static string Require(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set. Run the tests through scripts/test.sh, which starts PostgreSQL and Azurite and sets it " +
                $"(or source scripts/lib/test-services.sh and call platform_services_start).");
}
