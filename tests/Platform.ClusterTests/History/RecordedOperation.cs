namespace Platform.ClusterTests.History;

/// <summary>An invocation paired with its completion; <see cref="Completion"/> is null while it is still running.</summary>
public sealed record RecordedOperation<TInput, TOutput>(
    long OperationId, int ClientId, string Key, TInput Input, long Invoked, HistoryEventType? Completion, long? Completed, TOutput? Output, string? Error)
{
    public bool Succeeded => Completion == HistoryEventType.Ok;

    /// <summary>Info, or never completed: it may or may not have taken effect.</summary>
    public bool IsIndeterminate => Completion is null or HistoryEventType.Info;
}
