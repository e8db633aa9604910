namespace Platform.KeyValue;

/// <summary>A write's precondition: HTTP's If-Match (a version) and If-None-Match: * (create only).</summary>
[GenerateSerializer, Immutable, Alias("Platform.KvCondition")]
public sealed record KeyValueCondition
{
    public static readonly KeyValueCondition None = new();

    /// <summary>The write applies only if the key exists at this version.</summary>
    [Id(0)] public long? IfMatchVersion { get; init; }

    /// <summary>The write applies only if the key does not exist.</summary>
    [Id(1)] public bool IfNoneMatch { get; init; }
}
