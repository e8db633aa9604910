namespace Platform.Client.Host.Replication;

/// <summary>An OR-set's elements in ordinal order.</summary>
public sealed record SetResponse(string Key, IReadOnlyList<string> Elements);
