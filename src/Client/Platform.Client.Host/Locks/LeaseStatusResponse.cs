using Platform.Locks;

namespace Platform.Client.Host.Locks;

/// <summary>
/// <c>GET /v1/locks/{name}</c> and <c>GET /v1/semaphores/{name}</c>: holders (as a 409 lists them), tokens, expiries,
/// queue length, and the silo hosting it now (for operators and fault tests).
/// </summary>
public sealed record LeaseStatusResponse(string Name, IReadOnlyList<LeaseHolderSummary> Holders, int QueueLength, long LastToken, int? Permits, string? Silo)
{
    public static LeaseStatusResponse From(LeaseView view) =>
        new(view.Name, [.. view.Holders.Select(LeaseHolderSummary.From)], view.QueueLength, view.LastToken, view.Permits, view.Silo);
}
