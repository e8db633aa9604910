namespace Platform.Discovery;

/// <summary>What a service grain persists: the last change index and the instances (never changed in place: copy, write, publish).</summary>
[GenerateSerializer, Alias("Platform.Discovery.ServiceState")]
public sealed record ServiceState
{
    [Id(0)] public long Index { get; init; }

    [Id(1)] public Dictionary<string, ServiceInstance> Instances { get; init; } = new(StringComparer.Ordinal);
}
