namespace Platform.Discovery;

/// <summary>An instance's passive-health record that outlives its service grain: times ejected, until when, and its last failure.</summary>
[GenerateSerializer, Immutable, Alias("Platform.Discovery.OutlierEjection")]
public sealed record OutlierEjection
{
    /// <summary>Times ejected since the record was last forgiven (the next ejection lasts base × (this + 1)).</summary>
    [Id(0)] public int Count { get; init; }

    [Id(1)] public DateTimeOffset? EjectedUntil { get; init; }

    [Id(2)] public DateTimeOffset? LastFailure { get; init; }
}
