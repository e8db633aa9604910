namespace Platform.Testing.Http;

/// <summary><c>GET /v1/locks/{name}</c> or <c>/v1/semaphores/{name}</c>: holders, queue, last token, hosting silo.</summary>
public sealed record LeaseInfo(string Name, IReadOnlyList<LeaseHolderInfo> Holders, int QueueLength, long LastToken, int? Permits, string? Silo)
{
    /// <summary>(owner, token) of each holder, in grant order: what tests compare.</summary>
    public IReadOnlyList<(string Owner, long Token)> HolderTokens => [.. Holders.Select(h => (h.Owner, h.Token))];
}
