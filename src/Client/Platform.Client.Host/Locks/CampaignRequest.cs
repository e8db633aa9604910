namespace Platform.Client.Host.Locks;

/// <summary>Body of <c>POST /v1/elections/{name}/campaign</c>.</summary>
public sealed record CampaignRequest(string? Candidate, int? LeaseMs, int? WaitMs);
