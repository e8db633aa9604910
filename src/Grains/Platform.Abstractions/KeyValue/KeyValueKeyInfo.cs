namespace Platform.KeyValue;

/// <summary>A key as listed: name, version and value size, without the value.</summary>
[GenerateSerializer, Immutable, Alias("Platform.KvKeyInfo")]
public readonly record struct KeyValueKeyInfo(
    [property: Id(0)] string Key,
    [property: Id(1)] long Version,
    [property: Id(2)] int Size);
