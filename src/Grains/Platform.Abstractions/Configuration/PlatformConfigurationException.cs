namespace Platform.Configuration;

/// <summary>A configuration value is missing or invalid; the message is one line that names the key.</summary>
public sealed class PlatformConfigurationException : Exception
{
    public PlatformConfigurationException()
    {
    }

    public PlatformConfigurationException(string message)
        : base(message)
    {
    }

    public PlatformConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
