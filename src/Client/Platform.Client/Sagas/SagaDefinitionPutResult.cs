namespace Platform.Sagas;

/// <summary>The answer of <c>ISagas.PutDefinitionAsync</c>: the version stored (or the equal latest one) and whether the definition is new.</summary>
public sealed record SagaDefinitionPutResult(SagaDefinition Definition, bool Created);
