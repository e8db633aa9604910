using Platform.Client.Host.KeyValue;

namespace Platform.Client.Host.Replication;

/// <summary>A key's live siblings, newest first, and the causal context to send back as <c>Platform-Context</c> with a write that replaces them.</summary>
public sealed record SiblingsResponse(string Key, string Context, IReadOnlyList<KeyValueItemResponse> Siblings);
