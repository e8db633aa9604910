namespace Platform.Errors;

/// <summary>If-Match or If-None-Match did not hold (HTTP 412); <see cref="CurrentVersion"/> is 0 when the item is absent.</summary>
[GenerateSerializer, Alias("Platform.PlatformPreconditionFailedException")]
public sealed class PlatformPreconditionFailedException : PlatformException
{
    public override PlatformErrorKind Kind => PlatformErrorKind.PreconditionFailed;

    public PlatformPreconditionFailedException()
    {
    }

    public PlatformPreconditionFailedException(string message)
        : base(message)
    {
    }

    public PlatformPreconditionFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public PlatformPreconditionFailedException(string message, long currentVersion)
        : base(message) => CurrentVersion = currentVersion;

    [Id(0)] public long CurrentVersion { get; init; }

    public override IReadOnlyDictionary<string, object?> Details => new Dictionary<string, object?> { ["currentVersion"] = CurrentVersion };
}
