namespace Platform.Client.Host.EventLog;

/// <summary>Answer of an ack, nack or release: one result per lease id, in the request's order.</summary>
public sealed record ShareSettleResponse(IReadOnlyList<ShareSettleResultResponse> Results);
