using Platform.KeyValue;

namespace Platform.Replication;

/// <summary>A key's live siblings (newest first) and its causal context (<c>Platform-Context</c>, base64url).</summary>
public sealed record SiblingsResult(string Context, IReadOnlyList<KeyValueEntry> Siblings);
