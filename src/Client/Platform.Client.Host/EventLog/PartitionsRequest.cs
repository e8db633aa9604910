namespace Platform.Client.Host.EventLog;

/// <summary>Body of <c>POST /v1/topics/{topic}/partitions</c>: the new, higher partition count.</summary>
public sealed record PartitionsRequest(int? Partitions);
