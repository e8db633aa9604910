using Npgsql;
using Platform.Replication;
using Platform.Replication.Storage;

namespace Platform.Silo.Hosting.Replication;

/// <summary>
/// Replica incarnations in the cluster's PostgreSQL (<c>platform_replica_incarnations</c>, Cluster/Sql/04-replication.sql):
/// one atomic upsert per replica activation that starts without state. Durable as the membership table is, so an
/// incarnation is never handed out twice, across silo restarts included.
/// </summary>
public sealed class PostgresReplicaIncarnations(string connectionString, string serviceId) : IReplicaIncarnations, IAsyncDisposable
{
    private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(connectionString);

    public async Task<long> NextAsync(ReplicaId replica, CancellationToken cancellationToken)
    {
        await using var command = _source.CreateCommand(
            """
            INSERT INTO platform_replica_incarnations AS t (service_id, replica_key, incarnation) VALUES ($1, $2, 1)
            ON CONFLICT (service_id, replica_key) DO UPDATE SET incarnation = t.incarnation + 1
            RETURNING t.incarnation
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = serviceId });
        command.Parameters.Add(new NpgsqlParameter { Value = replica.ToGrainKey() });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task ForgetAsync(ReplicaId replica)
    {
        await using var command = _source.CreateCommand("DELETE FROM platform_replica_incarnations WHERE service_id = $1 AND replica_key = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = serviceId });
        command.Parameters.Add(new NpgsqlParameter { Value = replica.ToGrainKey() });
        await command.ExecuteNonQueryAsync();
    }

    public ValueTask DisposeAsync() => _source.DisposeAsync();
}
