namespace Platform.Client.Host.EventLog;

/// <summary>Where a produced record is stored.</summary>
public sealed record RecordPositionResponse(int Partition, long Offset);
