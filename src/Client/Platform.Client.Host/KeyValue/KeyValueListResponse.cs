namespace Platform.Client.Host.KeyValue;

public sealed record KeyValueListResponse(IReadOnlyList<KeyValueItemResponse> Items, string? ContinuationToken);
