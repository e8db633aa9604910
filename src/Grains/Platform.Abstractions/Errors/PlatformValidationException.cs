namespace Platform.Errors;

/// <summary>Malformed or invalid input; <see cref="Field"/> names what was wrong (HTTP 400).</summary>
[GenerateSerializer, Alias("Platform.PlatformValidationException")]
public sealed class PlatformValidationException : PlatformException
{
    public override PlatformErrorKind Kind => PlatformErrorKind.Validation;

    public PlatformValidationException()
    {
    }

    public PlatformValidationException(string message)
        : base(message)
    {
    }

    public PlatformValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>A field and why it is invalid; the message reads "<c>{field} {reason}</c>".</summary>
    public PlatformValidationException(string field, string reason)
        : base($"{field} {reason}") => Field = field;

    [Id(0)] public string? Field { get; init; }

    public override IReadOnlyDictionary<string, object?> Details =>
        Field is null ? base.Details : new Dictionary<string, object?> { ["field"] = Field };
}
