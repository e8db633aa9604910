namespace Platform.Client.Host.Locks;

/// <summary>Body of <c>POST /v1/elections/{name}/proclaim</c>: the leader keeps its lease.</summary>
public sealed record ProclaimRequest(string? Candidate, long? Term, int? LeaseMs);
