using Platform.Configuration;

namespace Platform.Discovery;

/// <summary>Limits and tuning of service discovery (<c>Platform:Discovery</c>); enforced by the service grain and checked early by clients.</summary>
public sealed class DiscoveryOptions : IPlatformOptions
{
    public const string SectionName = "Platform:Discovery";

    /// <summary>Shortest <c>ttlMs</c>. Default 500. Must lie within <c>Platform:Locks:MinLeaseMs</c>..<c>MaxLeaseMs</c> (TTLs are lock leases).</summary>
    public int MinTtlMs { get; set; } = 500;

    /// <summary>Longest <c>ttlMs</c>. Default 300000 (5 min).</summary>
    public int MaxTtlMs { get; set; } = 300_000;

    /// <summary>Most instances of one service (its registry is one grain-state row). Default 1000.</summary>
    public int MaxInstancesPerService { get; set; } = 1_000;

    /// <summary>Most metadata entries and tags of one instance, each. Default 32.</summary>
    public int MaxMetadataEntries { get; set; } = 32;

    /// <summary>Longest metadata key, value, tag, zone or address in characters. Default 256.</summary>
    public int MaxTextLength { get; set; } = 256;

    /// <summary>Largest weight. Default 10000.</summary>
    public int MaxWeight { get; set; } = 10_000;

    /// <summary>Shortest check <c>intervalMs</c>. Default 100.</summary>
    public int MinCheckIntervalMs { get; set; } = 100;

    /// <summary>Longest check <c>intervalMs</c> and <c>timeoutMs</c>. Default 300000.</summary>
    public int MaxCheckIntervalMs { get; set; } = 300_000;

    /// <summary>Largest <c>rise</c> and <c>fall</c>. Default 100.</summary>
    public int MaxRiseFall { get; set; } = 100;

    /// <summary>Longest <c>deregisterAfterMs</c>. Default 86400000 (a day).</summary>
    public int MaxDeregisterAfterMs { get; set; } = 86_400_000;

    /// <summary>Longest <c>waitMs</c> of a blocking query. Default 20000; at most 25000 (below the 30 s grain call timeout).</summary>
    public int MaxWaitMs { get; set; } = 20_000;

    /// <summary>Changes retained per service for blocking queries and watches to resume from; an older index answers a reset. Default 1000.</summary>
    public int ChangeLogSize { get; set; } = 1_000;

    /// <summary>
    /// The newest changes stored with the service's row (ETag-checked with it): a watch or blocking query resumes from an
    /// index that recent after the service grain moved or its silo died; older ones get a reset. At most
    /// <see cref="ChangeLogSize"/>; 0 keeps the log in memory only. Default 100.
    /// </summary>
    public int PersistedChanges { get; set; } = 100;

    /// <summary>Failed outcomes in a row (5xx, timeouts) that eject an instance. Default 5.</summary>
    public int EjectionConsecutiveFailures { get; set; } = 5;

    /// <summary>First ejection's length; the n-th ejection lasts n times this, up to <see cref="MaxEjectionMs"/>. Default 30000.</summary>
    public int BaseEjectionMs { get; set; } = 30_000;

    /// <summary>Longest ejection. Default 300000.</summary>
    public int MaxEjectionMs { get; set; } = 300_000;

    /// <summary>At most this percentage of a service's instances is ejected at once. Default 50.</summary>
    public int MaxEjectionPercent { get; set; } = 50;

    /// <summary>Consistent hashing with bounded loads: no instance takes more than this factor times the mean open picks (rounded up). Default 1.25.</summary>
    public double BoundedLoadFactor { get; set; } = 1.25;

    /// <summary>How often the service grain sweeps expiries, late heartbeats, ejections and checker liveness. Default 250 ms.</summary>
    public int SweepMs { get; set; } = 250;

    /// <summary>Sent as <c>Platform-Admin-Token</c>, renews or removes any registration; empty: no admin.</summary>
    public string? AdminToken { get; set; }

    /// <summary>Longest owner token. Default 256 (the lease owner limit).</summary>
    public int MaxOwnerLength { get; set; } = 256;

    /// <summary>Checks every limit; returns one message per bad key, naming it.</summary>
    public IEnumerable<string> Validate()
    {
        if (MinTtlMs < 100)
        {
            yield return $"{SectionName}:MinTtlMs must be at least 100 (got {MinTtlMs}).";
        }

        if (MaxTtlMs < MinTtlMs || MaxTtlMs > 300_000)
        {
            yield return $"{SectionName}:MaxTtlMs must be between MinTtlMs ({MinTtlMs}) and 300000 (got {MaxTtlMs}).";
        }

        if (MaxInstancesPerService is < 1 or > 10_000)
        {
            yield return $"{SectionName}:MaxInstancesPerService must be between 1 and 10000 (got {MaxInstancesPerService}).";
        }

        if (MaxMetadataEntries is < 0 or > 1024)
        {
            yield return $"{SectionName}:MaxMetadataEntries must be between 0 and 1024 (got {MaxMetadataEntries}).";
        }

        if (MaxTextLength is < 16 or > 4096)
        {
            yield return $"{SectionName}:MaxTextLength must be between 16 and 4096 (got {MaxTextLength}).";
        }

        if (MaxWeight < 1)
        {
            yield return $"{SectionName}:MaxWeight must be at least 1 (got {MaxWeight}).";
        }

        if (MinCheckIntervalMs < 10 || MaxCheckIntervalMs < MinCheckIntervalMs)
        {
            yield return $"{SectionName}:MinCheckIntervalMs must be at least 10 and at most MaxCheckIntervalMs (got {MinCheckIntervalMs}, {MaxCheckIntervalMs}).";
        }

        if (MaxRiseFall < 1)
        {
            yield return $"{SectionName}:MaxRiseFall must be at least 1 (got {MaxRiseFall}).";
        }

        if (MaxDeregisterAfterMs < 1)
        {
            yield return $"{SectionName}:MaxDeregisterAfterMs must be at least 1 (got {MaxDeregisterAfterMs}).";
        }

        if (MaxWaitMs is < 0 or > 25_000)
        {
            yield return $"{SectionName}:MaxWaitMs must be between 0 and 25000 (got {MaxWaitMs}).";
        }

        if (ChangeLogSize is < 1 or > 1_000_000)
        {
            yield return $"{SectionName}:ChangeLogSize must be between 1 and 1000000 (got {ChangeLogSize}).";
        }

        if (PersistedChanges < 0 || PersistedChanges > ChangeLogSize || PersistedChanges > 1000)
        {
            yield return $"{SectionName}:PersistedChanges must be between 0 and ChangeLogSize ({ChangeLogSize}) and at most 1000 (got {PersistedChanges}).";
        }

        if (EjectionConsecutiveFailures < 1)
        {
            yield return $"{SectionName}:EjectionConsecutiveFailures must be at least 1 (got {EjectionConsecutiveFailures}).";
        }

        if (BaseEjectionMs < 1 || MaxEjectionMs < BaseEjectionMs)
        {
            yield return $"{SectionName}:BaseEjectionMs must be at least 1 and at most MaxEjectionMs (got {BaseEjectionMs}, {MaxEjectionMs}).";
        }

        if (MaxEjectionPercent is < 0 or > 100)
        {
            yield return $"{SectionName}:MaxEjectionPercent must be between 0 and 100 (got {MaxEjectionPercent}).";
        }

        if (!(BoundedLoadFactor >= 1.0) || double.IsInfinity(BoundedLoadFactor))
        {
            yield return $"{SectionName}:BoundedLoadFactor must be at least 1.0 (got {BoundedLoadFactor}).";
        }

        if (SweepMs is < 10 or > 60_000)
        {
            yield return $"{SectionName}:SweepMs must be between 10 and 60000 (got {SweepMs}).";
        }

        if (MaxOwnerLength is < 1 or > 256)
        {
            yield return $"{SectionName}:MaxOwnerLength must be between 1 and 256 (the lease owner limit) (got {MaxOwnerLength}).";
        }
    }
}
