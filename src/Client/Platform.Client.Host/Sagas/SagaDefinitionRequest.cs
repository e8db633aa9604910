namespace Platform.Client.Host.Sagas;

/// <summary>The body of <c>PUT /v1/sagas/definitions/{name}</c>: the ordered steps.</summary>
public sealed record SagaDefinitionRequest(IReadOnlyList<SagaStepRequest?>? Steps);
