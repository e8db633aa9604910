using Platform.Errors;

namespace Platform.Sagas;

/// <summary>
/// Builds a definition's steps in C#, in order, with the operations of <see cref="SagaOps"/>:
/// <code>
/// var steps = new SagaDefinitionBuilder()
///     .Step("lock", SagaOps.Acquire("sku-1", leaseMs: 60_000), compensate: SagaOps.Release("sku-1"))
///     .Step("charge", SagaOps.Http("POST", "https://pay/charge/{{input.orderId}}"), compensate: SagaOps.Http("POST", "https://pay/refund/{{steps.charge.output.id}}"),
///           retry: new SagaRetry { MaxAttempts = 5, BackoffMs = 200 })
///     .Build();
/// await sagas.PutDefinitionAsync("order", steps);
/// </code>
/// <see cref="Build"/> runs the same checks as the API (at the default limits) and throws a validation error naming the field.
/// </summary>
public sealed class SagaDefinitionBuilder
{
    private readonly List<SagaStep> _steps = [];

    /// <summary>Adds a step: its action, optional compensation, retry policy (default 3 attempts, 100 ms, jitter) and timeout of one attempt.</summary>
    public SagaDefinitionBuilder Step(string name, SagaOperation action, SagaOperation? compensate = null, SagaRetry? retry = null, int timeoutMs = 10_000)
    {
        _steps.Add(new SagaStep { Name = name, Action = action, Compensation = compensate, Retry = retry ?? new SagaRetry(), TimeoutMs = timeoutMs });
        return this;
    }

    /// <summary>The steps, checked; a bad one throws <see cref="PlatformValidationException"/> naming the field (e.g. <c>steps[1].action.url</c>).</summary>
    public IReadOnlyList<SagaStep> Build()
    {
        if (SagaDefinitionRules.Check(_steps, new SagasOptions()) is { } problem)
        {
            throw new PlatformValidationException(problem.Field, problem.Reason);
        }

        return [.. _steps];
    }
}
