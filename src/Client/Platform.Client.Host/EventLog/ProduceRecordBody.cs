namespace Platform.Client.Host.EventLog;

/// <summary>One record of a produce: <c>value</c> (text) or <c>valueBase64</c> (bytes), neither for a tombstone.</summary>
public sealed record ProduceRecordBody(string? Key, string? Value, string? ValueBase64, Dictionary<string, string>? Headers, int? Partition);
