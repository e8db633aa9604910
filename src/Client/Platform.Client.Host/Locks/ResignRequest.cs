namespace Platform.Client.Host.Locks;

/// <summary>Body of <c>POST /v1/elections/{name}/resign</c>.</summary>
public sealed record ResignRequest(string? Candidate, long? Term);
