namespace Platform.KeyValue;

/// <summary>The outcome of a put: the new version, and whether the key was created (it was absent or deleted before).</summary>
public readonly record struct KeyValuePutResult(long Version, bool Created);
