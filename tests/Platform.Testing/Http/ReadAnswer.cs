namespace Platform.Testing.Http;

/// <summary>A page of one partition.</summary>
public sealed record ReadAnswer(IReadOnlyList<LogRecordAnswer> Items, long NextOffset, long EarliestOffset, long LatestOffset);
