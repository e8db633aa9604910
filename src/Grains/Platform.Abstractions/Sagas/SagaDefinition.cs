namespace Platform.Sagas;

/// <summary>A saga definition at one version: its ordered steps. A running instance keeps the version it started with.</summary>
[GenerateSerializer, Alias("Platform.SagaDefinition")]
public sealed record SagaDefinition
{
    [Id(0)] public string Name { get; init; } = "";

    [Id(1)] public int Version { get; init; }

    [Id(2)] public IReadOnlyList<SagaStep> Steps { get; init; } = [];

    [Id(3)] public DateTimeOffset CreatedAt { get; init; }

    /// <summary><see cref="SagaDefinitionKinds.Orchestration"/> or <see cref="SagaDefinitionKinds.Choreography"/>; versions stored before kinds existed read as orchestration.</summary>
    [Id(4)] public string Kind { get; init; } = SagaDefinitionKinds.Orchestration;
}
