namespace Platform.Discovery;

/// <summary>
/// What a watcher gets: only the changes after its index, or, when that index fell out of the retained window,
/// <see cref="Snapshot"/> (the whole service to start over from) and no changes.
/// </summary>
[GenerateSerializer, Immutable, Alias("Platform.Discovery.ServiceDelta")]
public sealed record ServiceDelta
{
    /// <summary>The index of the latest change this answer covers.</summary>
    [Id(0)] public required long Index { get; init; }

    /// <summary>The changes after the index asked for, oldest first (empty when the wait ran out).</summary>
    [Id(1)] public IReadOnlyList<ServiceChange> Changes { get; init; } = [];

    /// <summary>Set when the index asked for is older than the retained window (or newer than the service's index): start over from it.</summary>
    [Id(2)] public ServiceView? Snapshot { get; init; }
}
