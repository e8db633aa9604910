namespace Platform.Discovery;

/// <summary>A resolve: the strategy, the key (consistent hash) and the caller's zone (zone affinity).</summary>
[GenerateSerializer, Immutable, Alias("Platform.Discovery.ResolveRequest")]
public sealed record ResolveRequest
{
    [Id(0)] public ResolveStrategy Strategy { get; init; }

    [Id(1)] public string? Key { get; init; }

    [Id(2)] public string? Zone { get; init; }
}
