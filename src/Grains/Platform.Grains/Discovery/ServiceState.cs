namespace Platform.Discovery;

/// <summary>
/// What a service grain persists: the last change index, the instances, and the most recent changes (so a watch
/// resumes from its index after the grain moved or its silo died), in one ETag-checked row (never changed in place:
/// copy, write, publish).
/// </summary>
[GenerateSerializer, Alias("Platform.Discovery.ServiceState")]
public sealed record ServiceState
{
    [Id(0)] public long Index { get; init; }

    [Id(1)] public Dictionary<string, ServiceInstance> Instances { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The last <c>PersistedChanges</c> changes, oldest first, ending at <see cref="Index"/>.</summary>
    [Id(2)] public List<ServiceChange> RecentChanges { get; init; } = [];
}
