namespace Platform.ClusterTests.History;

/// <summary>One line of a history. <see cref="Timestamp"/> is <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>.</summary>
public sealed record HistoryEvent<TInput, TOutput>(
    long Sequence, HistoryEventType Type, long OperationId, int ClientId, string Key, long Timestamp, TInput Input, TOutput? Output, string? Error)
{
    public override string ToString()
    {
        var ms = System.Diagnostics.Stopwatch.GetElapsedTime(0, Timestamp).TotalMilliseconds;
        var result = Type switch
        {
            HistoryEventType.Invoke => "",
            HistoryEventType.Ok => $" -> {Output}",
            _ => $" ({Error})",
        };
        return FormattableString.Invariant($"{ms,12:F1}ms client {ClientId,2} op {OperationId,5} {Type,-6} {Key} {Input}{result}");
    }
}
