namespace Platform.Locks;

/// <summary>How to acquire a lease through the typed client. Null values take the configured defaults.</summary>
public sealed record LeaseOptions
{
    /// <summary>Who holds it; default: a name unique to this client instance and call.</summary>
    public string? Owner { get; init; }

    /// <summary>The lease; renewed every third of it in the background. Default <c>Platform:Locks:DefaultLeaseMs</c>.</summary>
    public TimeSpan? Lease { get; init; }

    /// <summary>How long to queue when not free at once (at most <c>Platform:Locks:MaxWaitMs</c>). Default: do not wait.</summary>
    public TimeSpan? Wait { get; init; }

    /// <summary>Locks only: exclusive (default) or shared.</summary>
    public LeaseMode Mode { get; init; } = LeaseMode.Exclusive;

    /// <summary>False: no background renewal (the holder calls nothing and the lease simply runs out).</summary>
    public bool AutoRenew { get; init; } = true;
}
