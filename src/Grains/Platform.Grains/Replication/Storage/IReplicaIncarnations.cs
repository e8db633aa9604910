namespace Platform.Replication.Storage;

/// <summary>
/// Hands out replica incarnations: 1, 2, 3, ... per replica, each once, durably (the cluster's PostgreSQL in an
/// AdoNet cluster), so a replica that restarts without its state can never claim an identity that cast a vote.
/// </summary>
public interface IReplicaIncarnations
{
    Task<long> NextAsync(ReplicaId replica, CancellationToken cancellationToken);

    /// <summary>Forgets a replica of a generation that is gone (generations are never reused).</summary>
    Task ForgetAsync(ReplicaId replica);
}
