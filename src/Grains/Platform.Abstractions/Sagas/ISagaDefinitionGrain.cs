namespace Platform.Sagas;

/// <summary>The versions of one saga definition (key: its name). Guarantee: a version, once answered, is persisted and never changes.</summary>
[Alias("Platform.ISagaDefinitionGrain")]
public interface ISagaDefinitionGrain : IGrainWithStringKey
{
    /// <summary>Stores the steps and kind as a new version unless they equal the latest; answers that version and whether it is new.</summary>
    [Alias("PutDefinition")]
    Task<(SagaDefinition Definition, bool Created)> Put(IReadOnlyList<SagaStep> steps, string kind);

    /// <summary>The latest version, or one named version; null when absent.</summary>
    [Alias("Get")]
    Task<SagaDefinition?> Get(int? version);
}
