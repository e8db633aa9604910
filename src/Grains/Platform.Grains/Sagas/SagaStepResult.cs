namespace Platform.Sagas;

/// <summary>The answer of one attempt: whether it did what was asked, the HTTP status if any, its output as JSON text, and the error.</summary>
public sealed record SagaStepResult(bool Succeeded, int? Status, string Output, string? Error);
