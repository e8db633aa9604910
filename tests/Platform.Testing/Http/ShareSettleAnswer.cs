namespace Platform.Testing.Http;

/// <summary>An ack, nack or release: one result per lease id, in order.</summary>
public sealed record ShareSettleAnswer(IReadOnlyList<ShareSettleResultAnswer> Results);
