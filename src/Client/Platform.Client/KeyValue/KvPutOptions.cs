namespace Platform.KeyValue;

/// <summary>Optional parts of a put: content type, precondition, fencing token.</summary>
public sealed record KvPutOptions
{
    public string? ContentType { get; init; }

    public KvCondition Condition { get; init; } = KvCondition.None;

    public KvFence? Fence { get; init; }
}
