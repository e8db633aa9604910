using Platform.Configuration;

namespace Platform.Discovery;

/// <summary>
/// The HTTP side of <c>AddPlatformServiceDiscovery()</c> (<c>Platform:Discovery:Http</c>): the balancing strategy, and
/// the Microsoft.Extensions.Http.Resilience pipeline around it (total timeout, retry with jitter, hedging, a
/// concurrency limiter; per instance a circuit breaker and an attempt timeout).
/// </summary>
public sealed class ServiceDiscoveryHttpOptions : IPlatformOptions
{
    public const string SectionName = "Platform:Discovery:Http";

    /// <summary>How the handler picks an instance (<c>round-robin</c>, <c>weighted</c>, ...). Default round robin.</summary>
    public ResolveStrategy Strategy { get; set; } = ResolveStrategy.RoundRobin;

    /// <summary>This caller's zone: instances there first, every zone when it has no healthy one. Empty: no affinity.</summary>
    public string? Zone { get; set; }

    /// <summary>The consistent-hash key header (strategy <c>consistent-hash</c>); a request without it hashes its path. Default <c>Platform-Balance-Key</c>.</summary>
    public string KeyHeader { get; set; } = "Platform-Balance-Key";

    /// <summary>The whole call, every attempt included. Default 30000.</summary>
    public int TotalTimeoutMs { get; set; } = 30_000;

    /// <summary>One attempt against one instance. Default 10000.</summary>
    public int AttemptTimeoutMs { get; set; } = 10_000;

    /// <summary>Retries after a transient failure (5xx, 408, 429, timeout, connection error, open breaker), exponential backoff with jitter; 0: none. Default 3. Unsafe methods (POST, PATCH, ...) are never retried.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first retry's median delay. Default 100.</summary>
    public int RetryBaseDelayMs { get; set; } = 100;

    /// <summary>Extra attempts a slow safe request (GET, HEAD, OPTIONS) sends to another instance; 0: no hedging. Default 1.</summary>
    public int MaxHedgedAttempts { get; set; } = 1;

    /// <summary>How long an attempt runs before a hedged one starts. Default 2000.</summary>
    public int HedgingDelayMs { get; set; } = 2_000;

    /// <summary>Calls in flight at once through one client (the bulkhead). Default 1000.</summary>
    public int MaxConcurrentRequests { get; set; } = 1_000;

    /// <summary>Calls waiting for a slot beyond <see cref="MaxConcurrentRequests"/>; more are refused at once. Default 0.</summary>
    public int ConcurrencyQueueLimit { get; set; }

    /// <summary>Per instance: the failure share over <see cref="BreakerSamplingMs"/> that opens its breaker. Default 0.5.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Per instance: calls in the sampling window before the breaker may open. Default 10.</summary>
    public int BreakerMinimumThroughput { get; set; } = 10;

    /// <summary>Per instance: the breaker's sampling window. Default 30000.</summary>
    public int BreakerSamplingMs { get; set; } = 30_000;

    /// <summary>Per instance: how long an open breaker refuses calls before one trial call (half-open). Default 5000.</summary>
    public int BreakerBreakMs { get; set; } = 5_000;

    /// <summary>Send failed outcomes (and the first success after one) to the registry for passive health; local ejection happens either way. Default true.</summary>
    public bool ReportOutcomes { get; set; } = true;

    /// <summary>How long the first request to a service waits for its instance list (later ones use the pushed cache). Default 5000.</summary>
    public int InitialListTimeoutMs { get; set; } = 5_000;

    public IEnumerable<string> Validate()
    {
        if (TotalTimeoutMs is < 10 or > 600_000)
        {
            yield return $"{SectionName}:TotalTimeoutMs must be between 10 and 600000 (got {TotalTimeoutMs}).";
        }

        if (AttemptTimeoutMs < 10 || AttemptTimeoutMs > TotalTimeoutMs)
        {
            yield return $"{SectionName}:AttemptTimeoutMs must be between 10 and TotalTimeoutMs ({TotalTimeoutMs}) (got {AttemptTimeoutMs}).";
        }

        if (MaxRetryAttempts is < 0 or > 10)
        {
            yield return $"{SectionName}:MaxRetryAttempts must be between 0 and 10 (got {MaxRetryAttempts}).";
        }

        if (RetryBaseDelayMs is < 1 or > 60_000)
        {
            yield return $"{SectionName}:RetryBaseDelayMs must be between 1 and 60000 (got {RetryBaseDelayMs}).";
        }

        if (MaxHedgedAttempts is < 0 or > 10)
        {
            yield return $"{SectionName}:MaxHedgedAttempts must be between 0 and 10 (got {MaxHedgedAttempts}).";
        }

        if (HedgingDelayMs is < 1 or > 600_000)
        {
            yield return $"{SectionName}:HedgingDelayMs must be between 1 and 600000 (got {HedgingDelayMs}).";
        }

        if (MaxConcurrentRequests is < 1 or > 1_000_000)
        {
            yield return $"{SectionName}:MaxConcurrentRequests must be between 1 and 1000000 (got {MaxConcurrentRequests}).";
        }

        if (ConcurrencyQueueLimit is < 0 or > 1_000_000)
        {
            yield return $"{SectionName}:ConcurrencyQueueLimit must be between 0 and 1000000 (got {ConcurrencyQueueLimit}).";
        }

        if (!(BreakerFailureRatio is > 0 and <= 1))
        {
            yield return $"{SectionName}:BreakerFailureRatio must be above 0 and at most 1 (got {BreakerFailureRatio}).";
        }

        if (BreakerMinimumThroughput is < 2 or > 1_000_000)
        {
            yield return $"{SectionName}:BreakerMinimumThroughput must be between 2 and 1000000 (got {BreakerMinimumThroughput}).";
        }

        if (BreakerSamplingMs is < 500 or > 86_400_000)
        {
            yield return $"{SectionName}:BreakerSamplingMs must be between 500 and 86400000 (got {BreakerSamplingMs}).";
        }

        if (BreakerBreakMs is < 500 or > 86_400_000)
        {
            yield return $"{SectionName}:BreakerBreakMs must be between 500 and 86400000 (got {BreakerBreakMs}).";
        }

        if (InitialListTimeoutMs is < 1 or > 60_000)
        {
            yield return $"{SectionName}:InitialListTimeoutMs must be between 1 and 60000 (got {InitialListTimeoutMs}).";
        }

        if (Zone is { Length: > 256 })
        {
            yield return $"{SectionName}:Zone must be at most 256 characters.";
        }

        if (string.IsNullOrWhiteSpace(KeyHeader))
        {
            yield return $"{SectionName}:KeyHeader must not be empty.";
        }
    }
}
