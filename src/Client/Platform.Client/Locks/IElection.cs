namespace Platform.Locks;

/// <summary>
/// Leader election over leases: at most one leader per election name while its lease is valid; each leader gets a
/// term (a fencing token) higher than every earlier one.
/// </summary>
public interface IElection
{
    /// <summary>Becomes leader (waiting up to the options' wait); the handle's Token is the term, Lost fires when leadership is lost.</summary>
    Task<ILeaseHandle> CampaignAsync(string name, string candidate, LeaseOptions? options = null, CancellationToken cancellationToken = default);

    Task<ElectionLeader> GetLeaderAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The current leader, then one item per change of leader (including "no leader"), until cancelled.</summary>
    IAsyncEnumerable<ElectionLeader> WatchAsync(string name, CancellationToken cancellationToken = default);
}
