using Npgsql;

namespace Platform.Silo.Hosting.Cluster;

/// <summary>
/// Platform's PostgreSQL schema for Orleans' ADO.NET clustering and reminders: the scripts under Cluster/Sql,
/// embedded in this assembly and applied in name order. Every script is idempotent and takes an advisory lock, so
/// several silos may apply it at once. <c>scripts/db-init.sh</c> applies the same files with psql.
/// </summary>
public static class PostgresSchema
{
    private const string ResourcePrefix = "Platform.Silo.Hosting.Cluster.Sql.";

    /// <summary>The scripts as (name, SQL) in the order they are applied.</summary>
    public static IReadOnlyList<(string Name, string Sql)> Scripts { get; } = LoadScripts();

    /// <summary>Applies every script to the database <paramref name="connectionString"/> names.</summary>
    public static async Task ApplyAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        foreach (var (_, sql) in Scripts)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static List<(string, string)> LoadScripts()
    {
        var assembly = typeof(PostgresSchema).Assembly;
        var scripts = new List<(string, string)>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            scripts.Add((name[ResourcePrefix.Length..], reader.ReadToEnd()));
        }

        return scripts.Count > 0 ? scripts : throw new InvalidOperationException($"No embedded SQL scripts in {assembly.GetName().Name}.");
    }
}
