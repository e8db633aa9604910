using System.Diagnostics.Metrics;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Errors;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Platform.Sagas;

/// <summary>
/// Runs one saga instance from its write-ahead log (<see cref="SagaInstanceState"/>, ETag-checked): before each
/// attempt the intent is written, after it the result, so a new activation (a call, or the reminder after a crash)
/// resumes at the step in doubt and re-sends it with the same idempotency key (<c>{sagaId}:{step}</c>,
/// <c>{sagaId}:{step}:compensate</c>). Attempts are retried by a Polly pipeline (exponential backoff, jitter) with a
/// Polly timeout around each call. The run loop is one background task on the activation; requests only read or
/// flag while it runs.
/// </summary>
public sealed partial class SagaInstanceGrain(
    [PersistentState("sagaInstance")] IPersistentState<SagaInstanceState> state,
    ISagaStepRunner runner,
    IOptions<SagasOptions> options,
    TimeProvider time,
    IMeterFactory meters,
    ILogger<SagaInstanceGrain> logger) : Grain, ISagaInstanceGrain, IRemindable, IDisposable
{
    /// <summary>The reminder that re-activates an instance that is not at rest (after a crash, or a deactivation mid-run).</summary>
    public const string ReminderName = "saga-resume";

    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);

    private readonly Counter<long> _parked = meters.Create("Platform").CreateCounter<long>("platform.sagas.parked", description: "Saga instances parked as needs-attention.");
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    private string Id => this.GetPrimaryKeyString();

    private SagaInstanceState S => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Definition is not null && S.State is SagaStates.Running or SagaStates.Compensating)
        {
            EnsureLoop();
        }

        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        if (_loop is { } loop)
        {
            await loop.WaitAsync(cancellationToken).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Current);
        }

    }

    public void Dispose() => _stop.Dispose();

    public async Task<SagaInstanceView> Start(SagaDefinition definition, string input)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (S.Definition is not null)
        {
            return View(false);
        }

        var now = time.GetUtcNow();
        state.State = new SagaInstanceState
        {
            Definition = definition,
            Input = input,
            State = SagaStates.Running,
            Steps = [.. definition.Steps.Select(_ => "pending")],
            CreatedAt = now,
            UpdatedAt = now,
        };
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            await state.ReadStateAsync();
            throw;
        }

        await this.RegisterOrUpdateReminder(ReminderName, ReminderPeriod, ReminderPeriod);
        EnsureLoop();
        return View(true);
    }

    public Task<SagaInstanceView?> Get() => Task.FromResult(S.Definition is null ? null : View(false));

    public async Task<SagaInstanceView> Abort()
    {
        Existing();
        if (S.State is SagaStates.Completed or SagaStates.Compensated)
        {
            throw new PlatformConflictException($"Saga instance '{Id}' is {S.State} already.");
        }

        if (S.State == SagaStates.Running && !S.AbortRequested)
        {
            await Write(S with { AbortRequested = true });
            EnsureLoop();
        }

        return View(false);
    }

    public async Task<SagaInstanceView> Retry()
    {
        Parked();
        await Write(S with { State = SagaStates.Compensating, Error = null });
        await this.RegisterOrUpdateReminder(ReminderName, ReminderPeriod, ReminderPeriod);
        EnsureLoop();
        return View(false);
    }

    public async Task<SagaInstanceView> Skip()
    {
        Parked();
        var steps = S.Steps.ToList();
        steps[S.Index] = "skipped";
        await Write(S with { State = SagaStates.Compensating, Error = null, Steps = steps, Index = S.Index - 1 });
        await this.RegisterOrUpdateReminder(ReminderName, ReminderPeriod, ReminderPeriod);
        EnsureLoop();
        return View(false);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (S.Definition is null || SagaStates.IsAtRest(S.State))
        {
            await Unremind();
            return;
        }

        EnsureLoop();
    }

    private void Existing()
    {
        if (S.Definition is null)
        {
            throw new PlatformNotFoundException($"Saga instance '{Id}' does not exist.");
        }
    }

    private void Parked()
    {
        Existing();
        if (S.State != SagaStates.NeedsAttention || _loop is { IsCompleted: false })
        {
            throw new PlatformConflictException($"Saga instance '{Id}' is {S.State}; only an instance that needs attention takes retry or skip.");
        }
    }

    private void EnsureLoop()
    {
        if (_loop is null || _loop.IsCompleted)
        {
            _loop = RunLoop();
        }
    }

    private async Task RunLoop()
    {
        await Task.Yield();
        try
        {
            while (!_stop.IsCancellationRequested && await Advance())
            {
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Deactivating: the log says where to resume.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A state write failed (storage down, or another activation wrote): the reminder resumes from what is stored.
            LogLoopFailed(logger, Id, ex);
            try
            {
                await state.ReadStateAsync();
            }
            catch (Exception readError) when (readError is not OutOfMemoryException)
            {
                LogLoopFailed(logger, Id, readError);
            }
        }
    }

    /// <summary>One move of the state machine; false when the instance is at rest.</summary>
    private async Task<bool> Advance()
    {
        var steps = S.Definition!.Steps;
        switch (S.State)
        {
            case SagaStates.Running when S.AbortRequested:
                await Write(S with { State = SagaStates.Compensating, Index = Math.Min(S.Index, steps.Count - 1), Error = "aborted" });
                return true;
            case SagaStates.Running when S.Index >= steps.Count:
                await Write(S with { State = SagaStates.Completed });
                await Unremind();
                return false;
            case SagaStates.Running:
                return await Forward(steps);
            case SagaStates.Compensating:
                return await Compensate(steps);
            default:
                return false;
        }
    }

    private async Task<bool> Forward(IReadOnlyList<SagaStep> steps)
    {
        var step = steps[S.Index];
        var (result, unknown) = await Run(step, step.Action, "action", $"{Id}:{step.Name}", S.Steps[S.Index] == "in-doubt");
        var standing = S.Steps.ToList();
        if (result is { Succeeded: true })
        {
            standing[S.Index] = "done";
            var outputs = new Dictionary<string, string>(S.Outputs, StringComparer.Ordinal) { [step.Name] = result.Output };
            await Write(S with { Steps = standing, Outputs = outputs, Index = S.Index + 1 });
        }
        else
        {
            standing[S.Index] = unknown ? "unknown" : "failed";
            await Write(S with { Steps = standing, State = SagaStates.Compensating, Error = $"step '{step.Name}' failed: {result?.Error ?? "no answer"}" });
        }

        return true;
    }

    private async Task<bool> Compensate(IReadOnlyList<SagaStep> steps)
    {
        var index = S.Index;
        while (index >= 0 && !(S.Steps[index] is "done" or "unknown" && steps[index].Compensation is not null))
        {
            index--;
        }

        if (index < 0)
        {
            await Write(S with { State = SagaStates.Compensated, Index = -1 });
            await Unremind();
            return false;
        }

        if (index != S.Index)
        {
            await Write(S with { Index = index });
        }

        var step = steps[index];
        var (result, _) = await Run(step, step.Compensation!, "compensation", $"{Id}:{step.Name}:compensate", false);
        var standing = S.Steps.ToList();
        if (result is { Succeeded: true })
        {
            standing[index] = "compensated";
            await Write(S with { Steps = standing, Index = index - 1 });
            return true;
        }

        var error = $"compensation of step '{step.Name}' failed {step.Retry.MaxAttempts} times: {result?.Error ?? "no answer"}";
        await Write(S with { State = SagaStates.NeedsAttention, Error = error });
        await Unremind();
        _parked.Add(1);
        LogParked(logger, Id, step.Name, error);
        return false;
    }

    /// <summary>Every attempt of one action or compensation through the step's retry pipeline; the last result (null when the last attempt threw) and whether any attempt's outcome is unknown.</summary>
    private async Task<(SagaStepResult? Result, bool Unknown)> Run(SagaStep step, SagaOperation operation, string phase, string key, bool inDoubt)
    {
        var unknown = inDoubt;
        var attempt = 0;
        var retry = step.Retry;
        var builder = new ResiliencePipelineBuilder<SagaStepResult> { TimeProvider = time };
        if (retry.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<SagaStepResult>
            {
                MaxRetryAttempts = retry.MaxAttempts - 1,
                Delay = TimeSpan.FromMilliseconds(retry.BackoffMs),
                MaxDelay = TimeSpan.FromMilliseconds(Math.Max(retry.BackoffMs, options.Value.MaxBackoffMs)),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = retry.Jitter,
                ShouldHandle = args => ValueTask.FromResult(!_stop.IsCancellationRequested && (args.Outcome.Exception is not null || args.Outcome.Result is { Succeeded: false })),
            });
        }

        var pipeline = builder.Build();
        var timeout = new ResiliencePipelineBuilder { TimeProvider = time }.AddTimeout(TimeSpan.FromMilliseconds(step.TimeoutMs)).Build();
        var rendered = Render(operation);
        var context = ResilienceContextPool.Shared.Get(true, _stop.Token);
        try
        {
            var outcome = await pipeline.ExecuteOutcomeAsync(
                async (ctx, _) =>
                {
                    attempt++;
                    var entry = new SagaAttempt { Step = step.Name, Phase = phase, Attempt = attempt, IdempotencyKey = key, StartedAt = time.GetUtcNow() };
                    var standing = S.Steps;
                    if (phase == "action" && standing[S.Index] != "in-doubt")
                    {
                        standing = [.. standing];
                        standing[S.Index] = "in-doubt";
                    }

                    await Write(S with { History = Append(S.History, entry), Steps = standing });
                    SagaStepResult result;
                    try
                    {
                        result = await timeout.ExecuteAsync(
                            static (c, args) => new ValueTask<SagaStepResult>(args.runner.RunAsync(args.rendered, args.key, c.CancellationToken)),
                            ctx,
                            (runner, rendered, key));
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException && !_stop.IsCancellationRequested)
                    {
                        unknown = true;
                        var error = ex is TimeoutRejectedException ? $"timed out after {step.TimeoutMs} ms" : ex.Message;
                        await Write(S with { History = Replace(S.History, entry with { EndedAt = time.GetUtcNow(), Error = error }) });
                        return Outcome.FromException<SagaStepResult>(ex);
                    }

                    await Write(S with
                    {
                        History = Replace(S.History, entry with { EndedAt = time.GetUtcNow(), Status = result.Status, Succeeded = result.Succeeded, Error = result.Error }),
                    });
                    return Outcome.FromResult(result);
                },
                context,
                0);
            _stop.Token.ThrowIfCancellationRequested();
            return (outcome.Exception is null ? outcome.Result : null, unknown);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private SagaOperation Render(SagaOperation operation)
    {
        var input = SagaTemplate.Parse(S.Input);
        string? Apply(string? template, Func<string, string> escape) =>
            template is null ? null : SagaTemplate.Render(template, Id, input, S.Outputs, escape);
        return operation with
        {
            Url = Apply(operation.Url, Uri.EscapeDataString),
            Body = Apply(operation.Body, v => JsonEncodedText.Encode(v, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString()),
            Key = Apply(operation.Key, v => v),
            Value = Apply(operation.Value, v => v),
        };
    }

    private List<SagaAttempt> Append(List<SagaAttempt> history, SagaAttempt entry)
    {
        var max = options.Value.MaxHistory;
        var skip = Math.Max(0, history.Count + 1 - max);
        return [.. history.Skip(skip), entry];
    }

    private static List<SagaAttempt> Replace(List<SagaAttempt> history, SagaAttempt entry)
    {
        List<SagaAttempt> next = [.. history];
        var at = next.FindLastIndex(a => a.Step == entry.Step && a.Phase == entry.Phase && a.Attempt == entry.Attempt && a.EndedAt is null);
        if (at >= 0)
        {
            next[at] = entry;
        }
        else
        {
            next.Add(entry);
        }

        return next;
    }

    private async Task Write(SagaInstanceState next)
    {
        var published = state.State;
        state.State = next with { UpdatedAt = time.GetUtcNow() };
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            state.State = published;
            throw;
        }
    }

    private async Task Unremind()
    {
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private SagaInstanceView View(bool created)
    {
        var steps = S.Definition!.Steps;
        var current = S.Index >= 0 && S.Index < steps.Count && !(S.State is SagaStates.Completed or SagaStates.Compensated) ? steps[S.Index].Name : null;
        return new SagaInstanceView
        {
            Id = Id,
            Definition = S.Definition.Name,
            Version = S.Definition.Version,
            State = S.State,
            CurrentStep = current,
            Input = S.Input,
            Outputs = S.Outputs,
            History = S.History,
            Error = S.Error,
            CreatedAt = S.CreatedAt,
            UpdatedAt = S.UpdatedAt,
            Created = created,
        };
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Saga instance '{Id}' parked as needs-attention at step '{Step}': {Error}")]
    private static partial void LogParked(ILogger logger, string id, string step, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Saga instance '{Id}': run stopped; the reminder resumes it from the stored log")]
    private static partial void LogLoopFailed(ILogger logger, string id, Exception ex);
}
