namespace Platform.Discovery;

/// <summary>One watch event: a change, or (first, and after a reset) a snapshot of the whole service.</summary>
public sealed record ServiceWatchEvent
{
    /// <summary>The index after this event; resume a watch after it.</summary>
    public required long Index { get; init; }

    public ServiceChange? Change { get; init; }

    public ServiceView? Snapshot { get; init; }
}
