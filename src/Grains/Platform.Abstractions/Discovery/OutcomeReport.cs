namespace Platform.Discovery;

/// <summary>A caller's outcome of one request to an instance (passive health and the latency-aware strategies).</summary>
[GenerateSerializer, Immutable, Alias("Platform.Discovery.OutcomeReport")]
public sealed record OutcomeReport
{
    /// <summary>False for a 5xx, a timeout or a connection failure.</summary>
    [Id(0)] public required bool Success { get; init; }

    [Id(1)] public double? LatencyMs { get; init; }

    /// <summary>Whether the request was counted as open by resolve (least connections): its report closes it.</summary>
    [Id(2)] public bool ClosesPick { get; init; } = true;
}
