namespace Platform.KeyValue.Storage;

/// <summary>An entry as the storage holds it, with the ETag that the next write of that key must present.</summary>
public sealed record StoredEntry(KeyValueEntry Entry, string ETag);
