namespace Platform.Client.Host.EventLog;

/// <summary>A page of topic names.</summary>
public sealed record TopicListResponse(IReadOnlyList<string> Items, string? ContinuationToken);
