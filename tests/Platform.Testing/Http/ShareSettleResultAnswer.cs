namespace Platform.Testing.Http;

/// <summary>What happened to one lease id: acked, nacked, deadLettered, released, expired or unknown.</summary>
public sealed record ShareSettleResultAnswer(string LeaseId, string Status);
