namespace Platform.Client.Host.EventLog;

/// <summary>Answer of a share-group fetch: the records leased (possibly none, after <c>waitMs</c>).</summary>
public sealed record ShareFetchResponse(IReadOnlyList<ShareLeaseResponse> Items);
