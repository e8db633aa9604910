using System.Diagnostics;
using Npgsql;
using Platform.Silo.Hosting.Cluster;
using Platform.Testing.Setup;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Cluster;

/// <summary>Platform's PostgreSQL schema for Orleans' ADO.NET clustering and reminders.</summary>
[Collection(RealServersCollection.Name)]
public sealed class PostgresSchemaTests(RealServersFixture fixture)
{
    private static readonly string[] QueryKeys =
    [
        "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey", "DeleteMembershipTableEntriesKey", "DeleteReminderRowKey",
        "DeleteReminderRowsKey", "GatewaysQueryKey", "InsertMembershipKey", "InsertMembershipVersionKey", "MembershipReadAllKey",
        "MembershipReadRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key", "ReadReminderRowKey", "ReadReminderRowsKey",
        "UpdateIAmAlivetimeKey", "UpdateMembershipKey", "UpsertReminderRowKey",
    ];

    /// <summary>Applying the schema again (from the silo, concurrently, and with scripts/db-init.sh) changes nothing and keeps every query key.</summary>
    [Fact]
    public async Task Schema_AppliedRepeatedly_IsIdempotent()
    {
        await using var connection = new NpgsqlConnection(fixture.Postgres);
        await connection.OpenAsync();
        await using (var insert = new NpgsqlCommand("SELECT platform_membership_version_insert(@d)", connection))
        {
            insert.Parameters.AddWithValue("d", fixture.RunId + "-schema");
            await insert.ExecuteScalarAsync();
        }

        await Task.WhenAll(PostgresSchema.ApplyAsync(fixture.Postgres), PostgresSchema.ApplyAsync(fixture.Postgres));
        await RunDbInitAsync();
        await RunDbInitAsync();

        var keys = new List<string>();
        await using (var read = new NpgsqlCommand("SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey", connection))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                keys.Add(reader.GetString(0));
            }
        }

        Assert.Equal(QueryKeys.Order(StringComparer.Ordinal), keys);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM platform_membership_version WHERE deployment_id = @d", connection);
        count.Parameters.AddWithValue("d", fixture.RunId + "-schema");
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }

    private async Task RunDbInitAsync()
    {
        var builder = new NpgsqlConnectionStringBuilder(fixture.Postgres);
        var start = new ProcessStartInfo(RepositoryRoot.Combine("scripts", "db-init.sh"),
            [$"host={builder.Host} port={builder.Port} dbname={builder.Database} user={builder.Username}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"db-init.sh exited {process.ExitCode}: {await stderr}");
    }
}
