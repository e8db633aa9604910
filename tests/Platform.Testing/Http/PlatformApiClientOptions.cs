using Polly;

namespace Platform.Testing.Http;

/// <summary>How a <see cref="PlatformApiClient"/> sends: retries and a per-attempt timeout, both off by default.</summary>
public sealed class PlatformApiClientOptions
{
    /// <summary>Retries for each call (see <see cref="PlatformApiRetry.Bounded"/>); null sends once.</summary>
    public ResiliencePipeline<HttpResponseMessage>? Retry { get; init; }

    /// <summary>How long one attempt may wait for its answer before it counts as "no answer" (status 0); null leaves it to the HttpClient's Timeout.</summary>
    public TimeSpan? RequestTimeout { get; init; }
}
