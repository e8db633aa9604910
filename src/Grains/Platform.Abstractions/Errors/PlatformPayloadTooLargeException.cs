namespace Platform.Errors;

/// <summary>A body or value is over its configured limit (HTTP 413).</summary>
[GenerateSerializer, Alias("Platform.PlatformPayloadTooLargeException")]
public sealed class PlatformPayloadTooLargeException : PlatformException
{
    public override PlatformErrorKind Kind => PlatformErrorKind.PayloadTooLarge;

    public PlatformPayloadTooLargeException()
    {
    }

    public PlatformPayloadTooLargeException(string message)
        : base(message)
    {
    }

    public PlatformPayloadTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
