namespace Platform.Client.Host.KeyValue;

public sealed record KvListResponse(IReadOnlyList<KvItemResponse> Items, string? ContinuationToken);
