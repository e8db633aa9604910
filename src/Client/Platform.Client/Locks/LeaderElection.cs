using System.Runtime.CompilerServices;
using Platform.Client.Cluster;

namespace Platform.Locks;

/// <summary>
/// Elections over the lease grain. Watching long-polls the grain (<see cref="ILockGrain.WaitForChange"/>, one call
/// per change or per <c>Platform:Locks:WatchPollMs</c>) instead of an Orleans observer: a poll survives the grain
/// moving to another silo and the client reconnecting without any re-subscription, and its interval is bounded.
/// </summary>
internal sealed class LeaderElection(LockClient client) : IElection
{
    public async Task<ILeaseHandle> CampaignAsync(string name, string candidate, LeaseOptions? options = null, CancellationToken cancellationToken = default) =>
        await client.AcquireHandleAsync(LeaseKind.Election, name, 1, (options ?? new LeaseOptions()) with { Owner = candidate, Mode = LeaseMode.Exclusive }, cancellationToken);

    public async Task<ElectionLeader> GetLeaderAsync(string name, CancellationToken cancellationToken = default) =>
        ElectionLeader.From(await client.GetAsync(LeaseKind.Election, name, cancellationToken));

    public Task<LeaseHolder> CampaignLeaseAsync(string name, LeaseRequest request, CancellationToken cancellationToken = default) =>
        client.AcquireAsync(LeaseKind.Election, name, request, cancellationToken);

    public Task<LeaseHolder> ProclaimAsync(string name, string candidate, long term, int? leaseMs = null, CancellationToken cancellationToken = default) =>
        client.RenewAsync(LeaseKind.Election, name, candidate, term, leaseMs, cancellationToken);

    public Task ResignAsync(string name, string candidate, long term, CancellationToken cancellationToken = default) =>
        client.ReleaseAsync(LeaseKind.Election, name, candidate, term, cancellationToken);

    // Not an iterator itself, so a bad name throws here, before a caller (an SSE answer) has started.
    public IAsyncEnumerable<ElectionLeader> WatchAsync(string name, CancellationToken cancellationToken = default) =>
        Watch(client.Grain(LeaseKind.Election, name), cancellationToken);

    private async IAsyncEnumerable<ElectionLeader> Watch(ILockGrain grain, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var view = await grain.Get().WaitAsync(cancellationToken);
        var current = ElectionLeader.From(view);
        yield return current;
        IReadOnlyList<long> known = [.. view.Holders.Select(h => h.Token)];
        while (!cancellationToken.IsCancellationRequested)
        {
            LeaseView? next = null;
            try
            {
                next = await grain.WaitForChange(known, client.Limits.WatchPollMs, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                yield break;
            }
            catch (Exception ex) when (ClusterErrors.IsTransient(ex) || ex is OrleansException)
            {
                // The grain moved or the cluster is briefly unreachable: ask again shortly.
            }

            if (next is null)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), client.Time, cancellationToken);
                continue;
            }

            known = [.. next.Holders.Select(h => h.Token)];
            var leader = ElectionLeader.From(next);
            if (leader.Leader != current.Leader || (leader.Leader is not null && leader.Term != current.Term))
            {
                current = leader;
                yield return leader;
            }
        }
    }
}
