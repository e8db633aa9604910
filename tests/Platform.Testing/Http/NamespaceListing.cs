namespace Platform.Testing.Http;

/// <summary>One page of namespace names.</summary>
public sealed record NamespaceListing(IReadOnlyList<string> Items, string? ContinuationToken);
