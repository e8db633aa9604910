namespace Platform.Client.Host.Caches;

/// <summary><c>source</c>: <c>{ "namespace": "users" }</c> or <c>{ "http": "https://svc/items/{key}" }</c>.</summary>
public sealed record CacheSourceRequest(string? Namespace, string? Http);
