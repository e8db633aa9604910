namespace Platform.Client.Host.KeyValue;

public sealed record NamespaceListResponse(IReadOnlyList<string> Items, string? ContinuationToken);
