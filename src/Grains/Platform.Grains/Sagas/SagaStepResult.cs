namespace Platform.Sagas;

/// <summary>The answer of one attempt: whether it did what was asked, the HTTP status if any, its output as JSON text, and the error.</summary>
[GenerateSerializer, Immutable, Alias("Platform.SagaStepResult")]
public sealed record SagaStepResult
{
    public SagaStepResult(bool succeeded, int? status, string output, string? error)
    {
        Succeeded = succeeded;
        Status = status;
        Output = output;
        Error = error;
    }

    [Id(0)] public bool Succeeded { get; init; }

    [Id(1)] public int? Status { get; init; }

    [Id(2)] public string Output { get; init; }

    [Id(3)] public string? Error { get; init; }
}
