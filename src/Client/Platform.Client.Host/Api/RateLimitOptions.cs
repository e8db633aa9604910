using Platform.Configuration;
namespace Platform.Client.Host.Api;

/// <summary>Per-client-address rate limit of the HTTP API (<c>Platform:RateLimit</c>).</summary>
public sealed class RateLimitOptions : IPlatformOptions
{
    public const string SectionName = "Platform:RateLimit";

    /// <summary>Requests per second per client address; 0 (default) turns rate limiting off.</summary>
    public int PermitsPerSecond { get; set; }

    /// <summary>Requests a client may burst above the steady rate. Default 100.</summary>
    public int Burst { get; set; } = 100;

    public IEnumerable<string> Validate()
    {
        if (PermitsPerSecond < 0)
        {
            yield return $"{SectionName}:PermitsPerSecond must not be negative (got {PermitsPerSecond}).";
        }

        if (Burst < 1)
        {
            yield return $"{SectionName}:Burst must be at least 1 (got {Burst}).";
        }
    }
}
