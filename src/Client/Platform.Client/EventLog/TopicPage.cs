namespace Platform.EventLog;

/// <summary>A page of topic names; <see cref="ContinuationToken"/> is null on the last page.</summary>
public sealed record TopicPage(IReadOnlyList<string> Items, string? ContinuationToken);
