namespace Platform.KeyValue;

/// <summary>Optional parts of a put: content type, precondition, fencing token.</summary>
public sealed record KeyValuePutOptions
{
    public string? ContentType { get; init; }

    public KeyValueCondition Condition { get; init; } = KeyValueCondition.None;

    public KeyValueFence? Fence { get; init; }
}
