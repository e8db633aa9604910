namespace Platform.Client.Host.Sharding;

public sealed record NamespaceListResponse(IReadOnlyList<string> Items, string? ContinuationToken);
