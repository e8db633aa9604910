namespace Platform.EventLog;

/// <summary>The position of each record of a produce call, in call order; <see cref="Duplicate"/> when every partition answered a stored retry.</summary>
public sealed record ProduceResult(IReadOnlyList<RecordPosition> Records, bool Duplicate);
