namespace Platform.Client.Host.EventLog;

/// <summary>Each record's partition and offset, in request order; <c>duplicate</c> when the whole batch was a stored retry.</summary>
public sealed record ProduceResponse(IReadOnlyList<RecordPositionResponse> Records, bool Duplicate);
