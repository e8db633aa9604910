namespace Platform.EventLog;

/// <summary>A record as a group consumer receives it: where it came from, and the record.</summary>
public sealed record ConsumedRecord(string Topic, int Partition, LogRecord Record);
