namespace Platform.Testing.Http;

/// <summary>An API answer other than the one the caller required; the message names the call, the status and the body.</summary>
public sealed class PlatformApiException : Exception
{
    public PlatformApiException()
    {
    }

    public PlatformApiException(string message)
        : base(message)
    {
    }

    public PlatformApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The answer that was not as required (null for a body that could not be read).</summary>
    public ApiResponse? Response { get; init; }
}
