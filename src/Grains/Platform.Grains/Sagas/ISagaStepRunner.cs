namespace Platform.Sagas;

/// <summary>
/// Runs one attempt of a step's action or compensation (rendered already). The silo registers the implementation
/// (<c>Platform.Silo.Hosting</c>: an HTTP client without retries of its own, and the typed key-value client). A
/// definite failure answers <see cref="SagaStepResult.Succeeded"/> false; an outcome it cannot know throws.
/// </summary>
public interface ISagaStepRunner
{
    Task<SagaStepResult> RunAsync(SagaOperation operation, string idempotencyKey, CancellationToken cancellationToken);
}
