namespace Platform.Errors;

/// <summary>The named item does not exist (HTTP 404).</summary>
[GenerateSerializer, Alias("Platform.PlatformNotFoundException")]
public sealed class PlatformNotFoundException : PlatformException
{
    public override PlatformErrorKind Kind => PlatformErrorKind.NotFound;

    public PlatformNotFoundException()
    {
    }

    public PlatformNotFoundException(string message)
        : base(message)
    {
    }

    public PlatformNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
