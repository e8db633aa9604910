namespace Platform.KeyValue;

/// <summary>A fencing token presented with a write: the write is refused once a higher token of that lock was granted.</summary>
[GenerateSerializer, Immutable, Alias("Platform.KvFence")]
public sealed record KeyValueFence([property: Id(0)] string LockName, [property: Id(1)] long Token);
