namespace Platform.Sagas;

/// <summary>The persisted state of <see cref="SagaDefinitionGrain"/>: every version, oldest first.</summary>
[GenerateSerializer, Alias("Platform.SagaDefinitionState")]
public sealed record SagaDefinitionState
{
    [Id(0)] public List<SagaDefinition> Versions { get; init; } = [];
}
