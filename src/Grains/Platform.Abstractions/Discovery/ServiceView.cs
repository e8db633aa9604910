namespace Platform.Discovery;

/// <summary>A service as it is at <see cref="Index"/>, and (for a blocking query) the changes after the caller's index.</summary>
[GenerateSerializer, Immutable, Alias("Platform.Discovery.ServiceView")]
public sealed record ServiceView
{
    [Id(0)] public required string Service { get; init; }

    /// <summary>The index of the latest change (0: never changed).</summary>
    [Id(1)] public required long Index { get; init; }

    /// <summary>Instances ordered by id.</summary>
    [Id(2)] public IReadOnlyList<ServiceInstance> Instances { get; init; } = [];

    /// <summary>The changes after the index asked for, oldest first; empty without one.</summary>
    [Id(3)] public IReadOnlyList<ServiceChange> Changes { get; init; } = [];

    /// <summary>
    /// True when the index asked for is older than the retained change window (or from before the service's grain
    /// last activated): <see cref="Changes"/> is then empty and <see cref="Instances"/> is the state to start over from.
    /// </summary>
    [Id(4)] public bool Reset { get; init; }

    /// <summary>The oldest index changes can be resumed after.</summary>
    [Id(5)] public long RetainedFrom { get; init; }
}
