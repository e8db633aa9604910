namespace Platform.EventLog;

/// <summary>Where one produced record is stored.</summary>
public sealed record RecordPosition(int Partition, long Offset);
