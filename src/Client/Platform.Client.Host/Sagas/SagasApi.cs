using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Platform.Client.Host.Api;
using Platform.Errors;
using Platform.Sagas;

namespace Platform.Client.Host.Sagas;

/// <summary>
/// Routes under <c>/v1/sagas</c>: versioned definitions, and instances (start with an id, read, abort, retry, skip).
/// Every handler calls the typed client (<see cref="ISagas"/>).
/// </summary>
public static class SagasApi
{
    public static IEndpointRouteBuilder MapSagasApi(this IEndpointRouteBuilder v1)
    {
        var group = v1.MapGroup("/sagas").WithTags("Sagas");
        group.MapPut("/definitions/{name}", PutDefinition).WithName("PutSagaDefinition")
            .WithSummary("Store a definition's steps as its next version (unchanged when equal to the latest).").ProducesProblems(400, 415);
        group.MapGet("/definitions/{name}", GetDefinition).WithName("GetSagaDefinition")
            .WithSummary("A definition's latest version, or ?version=n.").ProducesProblems(400, 404);
        group.MapPost("/{name}/instances", Start).WithName("StartSaga")
            .WithSummary("Start an instance of the latest version; the same id again answers the existing instance.").ProducesProblems(400, 404, 409, 415);
        group.MapGet("/instances/{id}", Get).WithName("GetSagaInstance")
            .WithSummary("An instance's state, current step, outputs and every attempt.").ProducesProblems(400, 404);
        group.MapGet("/instances/{id}/watch", Watch).WithName("WatchSaga")
            .WithSummary("Server-Sent Events: the instance now, then one 'saga' event per write of its log (id: its revision), ending at rest; Last-Event-ID resumes.")
            .ProducesProblems(400, 404);
        group.MapPost("/instances/{id}/abort", Abort).WithName("AbortSaga")
            .WithSummary("Compensate now (after the call in flight).").ProducesProblems(400, 404, 409);
        group.MapPost("/instances/{id}/retry", Retry).WithName("RetrySaga")
            .WithSummary("Resume an instance that needs attention at the compensation that failed.").ProducesProblems(400, 404, 409);
        group.MapPost("/instances/{id}/skip", Skip).WithName("SkipSagaStep")
            .WithSummary("Mark the failing compensation of an instance that needs attention as done by hand, and go on.").ProducesProblems(400, 404, 409);
        return v1;
    }

    private static async Task<Results<Created<SagaDefinition>, Ok<SagaDefinition>>> PutDefinition(ISagas sagas, string name, SagaDefinitionRequest body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        var result = await sagas.PutDefinitionAsync(name, Steps(body), body.Kind ?? SagaDefinitionKinds.Orchestration, ct);
        return result.Created
            ? TypedResults.Created($"/v1/sagas/definitions/{Uri.EscapeDataString(name)}", result.Definition)
            : TypedResults.Ok(result.Definition);
    }

    private static async Task<Ok<SagaDefinition>> GetDefinition(ISagas sagas, string name, int? version, CancellationToken ct) =>
        TypedResults.Ok(await sagas.GetDefinitionAsync(name, version, ct));

    private static async Task<Results<Created<SagaInstanceResponse>, Ok<SagaInstanceResponse>>> Start(ISagas sagas, string name, SagaStartRequest body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        var input = body.Input is { } i ? JsonSerializer.Serialize(i) : "{}";
        var view = await sagas.StartAsync(name, body.Id, input, ct);
        var response = SagaInstanceResponse.From(view);
        return view.Created ? TypedResults.Created($"/v1/sagas/instances/{Uri.EscapeDataString(view.Id)}", response) : TypedResults.Ok(response);
    }

    private static async Task<Ok<SagaInstanceResponse>> Get(ISagas sagas, string id, CancellationToken ct) =>
        TypedResults.Ok(SagaInstanceResponse.From(await sagas.GetAsync(id, ct)));

    private static async Task<ServerSentEventsResult<SagaInstanceResponse>> Watch(
        ISagas sagas, string id, [FromHeader(Name = "Last-Event-ID")] string? lastEventId, CancellationToken ct)
    {
        long after = 0;
        if (lastEventId is not null && !long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            throw new PlatformValidationException("Last-Event-ID", "must be a revision (a non-negative integer) from an earlier event");
        }

        // Checked before the stream starts, so an unknown instance is a 404.
        await sagas.GetAsync(id, ct);
        return TypedResults.ServerSentEvents(Events(sagas.WatchAsync(id, after, ct), ct));
    }

    private static async IAsyncEnumerable<SseItem<SagaInstanceResponse>> Events(IAsyncEnumerable<SagaInstanceView> views, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var view in views.WithCancellation(ct))
        {
            yield return new SseItem<SagaInstanceResponse>(SagaInstanceResponse.From(view), "saga") { EventId = view.Revision.ToString(CultureInfo.InvariantCulture) };
        }
    }

    private static async Task<Ok<SagaInstanceResponse>> Abort(ISagas sagas, string id, CancellationToken ct) =>
        TypedResults.Ok(SagaInstanceResponse.From(await sagas.AbortAsync(id, ct)));

    private static async Task<Ok<SagaInstanceResponse>> Retry(ISagas sagas, string id, CancellationToken ct) =>
        TypedResults.Ok(SagaInstanceResponse.From(await sagas.RetryAsync(id, ct)));

    private static async Task<Ok<SagaInstanceResponse>> Skip(ISagas sagas, string id, CancellationToken ct) =>
        TypedResults.Ok(SagaInstanceResponse.From(await sagas.SkipAsync(id, ct)));

    private static List<SagaStep> Steps(SagaDefinitionRequest body)
    {
        if (body.Steps is null)
        {
            throw new PlatformValidationException("steps", "is required");
        }

        var steps = new List<SagaStep>(body.Steps.Count);
        for (var i = 0; i < body.Steps.Count; i++)
        {
            var step = body.Steps[i] ?? throw new PlatformValidationException($"steps[{i}]", "must be an object");
            var retry = new SagaRetry();
            steps.Add(new SagaStep
            {
                Name = step.Name ?? "",
                Action = step.Action is null ? throw new PlatformValidationException($"steps[{i}].action", "is required") : Operation(step.Action, $"steps[{i}].action"),
                Compensation = step.Compensation is null ? null : Operation(step.Compensation, $"steps[{i}].compensation"),
                Retry = new SagaRetry
                {
                    MaxAttempts = step.Retry?.MaxAttempts ?? retry.MaxAttempts,
                    BackoffMs = step.Retry?.BackoffMs ?? retry.BackoffMs,
                    Jitter = step.Retry?.Jitter ?? retry.Jitter,
                },
                TimeoutMs = step.TimeoutMs ?? new SagaStep().TimeoutMs,
            });
        }

        return steps;
    }

    private static SagaOperation Operation(SagaOperationRequest request, string at) => new()
    {
        Kind = request.Kind ?? throw new PlatformValidationException($"{at}.kind", "is required"),
        Method = request.Method,
        Url = request.Url,
        Body = request.Body,
        Expect = request.Expect,
        Op = request.Op,
        Namespace = request.Namespace,
        Key = request.Key,
        Value = request.Value,
        IfVersion = request.IfVersion,
        IfAbsent = request.IfAbsent ?? false,
        Name = request.Name,
        LeaseMs = request.LeaseMs,
        WaitMs = request.WaitMs,
        Topic = request.Topic,
        Ops = request.Ops?.Select((op, i) => op is null
            ? throw new PlatformValidationException($"{at}.ops[{i}]", "must be an object")
            : new SagaTxnOp { Op = op.Op ?? "", Key = op.Key ?? "", Value = op.Value, Amount = op.Amount ?? 0 }).ToList(),
        Done = request.Done,
        Failed = request.Failed,
    };
}
