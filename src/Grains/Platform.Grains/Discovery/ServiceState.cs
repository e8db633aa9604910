namespace Platform.Discovery;

/// <summary>
/// What a service grain persists: the last change index, the instances, the most recent changes (so a watch
/// resumes from its index after the grain moved or its silo died) and the outlier ejections, in one ETag-checked row
/// (never changed in place: copy, write, publish).
/// </summary>
[GenerateSerializer, Alias("Platform.Discovery.ServiceState")]
public sealed record ServiceState
{
    [Id(0)] public long Index { get; init; }

    [Id(1)] public Dictionary<string, ServiceInstance> Instances { get; init; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The last <c>PersistedChanges</c> changes, oldest first, ending at <see cref="Index"/>. A change whose instance
    /// is still the current one is stored without it (<see cref="ServiceChange.Instance"/> null, kind not
    /// deregistered) and re-filled from <see cref="Instances"/> when read, so the row holds each instance about once.
    /// </summary>
    [Id(2)] public List<ServiceChange> RecentChanges { get; init; } = [];

    /// <summary>Passive outlier ejections by instance id (written when one happens, so it outlives the grain's activation).</summary>
    [Id(3)] public Dictionary<string, OutlierEjection> Ejections { get; init; } = new(StringComparer.Ordinal);
}
