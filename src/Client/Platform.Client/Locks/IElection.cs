namespace Platform.Locks;

/// <summary>
/// Leader election over leases: at most one leader per election name while its lease is valid; each leader gets a
/// term (a fencing token) higher than every earlier one; writes fenced by it (<c>KeyValueFence.ForElection</c>,
/// HTTP <c>Platform-Fence: election/{name}:{term}</c>) are refused once a later term was elected. Refusals throw
/// <see cref="LeaseConflictException"/>.
/// </summary>
public interface IElection
{
    /// <summary>Becomes leader (waiting up to the options' wait); the handle's Token is the term, Lost fires when leadership is lost.</summary>
    Task<ILeaseHandle> CampaignAsync(string name, string candidate, LeaseOptions? options = null, CancellationToken cancellationToken = default);

    Task<ElectionLeader> GetLeaderAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// The current leader, then one item per change of leader (including "no leader"), until cancelled. The name is
    /// checked when this is called, before anything is enumerated.
    /// </summary>
    IAsyncEnumerable<ElectionLeader> WatchAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// One campaign without a handle (the HTTP API's model): <see cref="LeaseRequest.Owner"/> is the candidate; the
    /// leader proclaims before its lease runs out and resigns. The lease's token is the term.
    /// </summary>
    Task<LeaseHolder> CampaignLeaseAsync(string name, LeaseRequest request, CancellationToken cancellationToken = default);

    /// <summary>The leader keeps its lease (<paramref name="leaseMs"/> null: the default lease).</summary>
    Task<LeaseHolder> ProclaimAsync(string name, string candidate, long term, int? leaseMs = null, CancellationToken cancellationToken = default);

    /// <summary>The leader steps down.</summary>
    Task ResignAsync(string name, string candidate, long term, CancellationToken cancellationToken = default);
}
