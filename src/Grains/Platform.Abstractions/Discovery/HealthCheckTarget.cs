namespace Platform.Discovery;

/// <summary>What a checker grain probes: the instance's address, its check and the registration generation.</summary>
[GenerateSerializer, Immutable, Alias("Platform.Discovery.HealthCheckTarget")]
public sealed record HealthCheckTarget
{
    [Id(0)] public required string Service { get; init; }

    [Id(1)] public required string InstanceId { get; init; }

    [Id(2)] public required string Address { get; init; }

    [Id(3)] public required int Port { get; init; }

    [Id(4)] public required string Scheme { get; init; }

    [Id(5)] public required HealthCheckSpec Check { get; init; }

    [Id(6)] public required long Generation { get; init; }

    public static string Key(string service, string id) => service + "/" + id;
}
