namespace Platform.Client.Host.Sagas;

/// <summary>The body of <c>PUT /v1/sagas/definitions/{name}</c>: the ordered steps, and the kind (<c>orchestration</c> by default, or <c>choreography</c>).</summary>
public sealed record SagaDefinitionRequest(IReadOnlyList<SagaStepRequest?>? Steps, string? Kind = null);
