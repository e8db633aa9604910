namespace Platform.Sharding;

/// <summary>Namespace names in order; <see cref="ContinuationToken"/> is null on the last page.</summary>
public sealed record NamespacePage(IReadOnlyList<string> Items, string? ContinuationToken);
