namespace Platform.Client.Host.Discovery;

/// <summary>Service names in ordinal order, and the token of the next page (none on the last).</summary>
public sealed record ServiceListResponse(IReadOnlyList<string> Services, string? ContinuationToken);
