namespace Platform.Testing.Http;

/// <summary>The records one share-group fetch leased.</summary>
public sealed record ShareFetchAnswer(IReadOnlyList<ShareLeaseAnswer> Items);
