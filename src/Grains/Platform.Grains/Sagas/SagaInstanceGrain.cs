using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using Platform.Errors;

namespace Platform.Sagas;

/// <summary>
/// Runs one saga instance from its write-ahead log (<see cref="SagaInstanceState"/>, ETag-checked): before each
/// attempt the intent is written, after it the result, so a new activation (a call, or the reminder after a crash)
/// resumes at the step in doubt and re-sends it with the same idempotency key (<c>{sagaId}:{step}</c>,
/// <c>{sagaId}:{step}:compensate</c>).
/// Grain-safety: every read and write of the state happens in a turn of this grain (a request, the reminder, or a
/// <see cref="ISagaRunGrain"/> call), which Orleans never interleaves (the grain is not reentrant). The calls
/// themselves run in a <see cref="SagaStepPipeline"/> on the thread pool, which holds no grain state and reports back
/// only through grain calls; a turn never awaits a step's call, so reads, abort and the reminder are answered while a
/// step is in flight.
/// </summary>
public sealed partial class SagaInstanceGrain(
    [PersistentState("sagaInstance", SagaInstanceGrain.StorageName)] IPersistentState<SagaInstanceState> state,
    ISagaStepRunner runner,
    IOptions<SagasOptions> options,
    TimeProvider time,
    ILocalSiloDetails silo,
    SagaMetrics metrics,
    ILogger<SagaInstanceGrain> logger) : Grain, ISagaInstanceGrain, ISagaRunGrain, IRemindable, IDisposable
{
    /// <summary>The grain storage name of definitions and instances: the default storage unless the host registers one under it.</summary>
    public const string StorageName = "sagas";

    /// <summary>The reminder that re-activates an instance that is not at rest (after a crash, or a deactivation mid-run).</summary>
    public const string ReminderName = "saga-resume";

    private const string Action = "action";
    private const string Compensation = "compensation";

    private readonly CancellationTokenSource _stop = new();
    private Run? _run;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private string Id => this.GetPrimaryKeyString();

    private SagaInstanceState S => state.State;

    private TimeSpan ResumePeriod => TimeSpan.FromMilliseconds(options.Value.ResumePeriodMs);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Definition is not null && !SagaStates.IsAtRest(S.State))
        {
            await KickSafely();
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // The pipeline in flight stops calling and reporting; the log says where the next activation resumes.
        _stop.Cancel();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

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
            Revision = 1,
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

        await this.RegisterOrUpdateReminder(ReminderName, ResumePeriod, ResumePeriod);
        await KickSafely();
        return View(true);
    }

    public Task<SagaInstanceView?> Get() => Task.FromResult(S.Definition is null ? null : View(false));

    public async Task<SagaInstanceView?> WaitForChange(long afterRevision, int waitMs)
    {
        // Only reads: it waits for a write's signal and then takes the state as that write left it.
        var deadline = time.GetUtcNow() + TimeSpan.FromMilliseconds(Math.Clamp(waitMs, 0, 60_000));
        while (S.Definition is null || S.Revision <= afterRevision)
        {
            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero || _stop.IsCancellationRequested)
            {
                return null;
            }

            var changed = _changed.Task;
            if (await Task.WhenAny(changed, Task.Delay(left, time)) != changed)
            {
                return null;
            }
        }

        return View(false);
    }

    public async Task<SagaInstanceView> Abort()
    {
        Existing();
        if (S.State is SagaStates.Completed or SagaStates.Compensated)
        {
            throw new PlatformConflictException($"Saga instance '{Id}' is {S.State} already.");
        }

        if (S.State == SagaStates.Running && !S.AbortRequested)
        {
            // Durable before the answer; the pipeline in flight is told not to call again at its next attempt.
            await Write(S with { AbortRequested = true });
            await KickSafely();
        }

        return View(false);
    }

    public async Task<SagaInstanceView> Retry()
    {
        Parked();
        await Write(S with { State = SagaStates.Compensating, Error = null });
        await this.RegisterOrUpdateReminder(ReminderName, ResumePeriod, ResumePeriod);
        await KickSafely();
        return View(false);
    }

    public async Task<SagaInstanceView> Skip()
    {
        Parked();
        var steps = S.Steps.ToList();
        steps[S.Index] = "skipped";
        await Write(S with { State = SagaStates.Compensating, Error = null, Steps = steps, Index = S.Index - 1 });
        await this.RegisterOrUpdateReminder(ReminderName, ResumePeriod, ResumePeriod);
        await KickSafely();
        return View(false);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (S.Definition is null || SagaStates.IsAtRest(S.State))
        {
            await Unremind();
            return;
        }

        await KickSafely();
    }

    public async Task<bool> AttemptStarting(Guid run, int attempt)
    {
        if (_run is not { } r || r.Id != run || (r.Phase == Action && S.AbortRequested))
        {
            return false;
        }

        var entry = new SagaAttempt { Step = r.Step, Phase = r.Phase, Attempt = attempt, IdempotencyKey = r.Key, StartedAt = time.GetUtcNow() };
        var standing = S.Steps;
        if (r.Phase == Action && standing[r.Index] != "in-doubt")
        {
            standing = [.. standing];
            standing[r.Index] = "in-doubt";
        }

        await Write(S with { History = Append(S.History, entry), Steps = standing });
        return true;
    }

    public async Task AttemptEnded(Guid run, int attempt, SagaStepResult? result, string? error)
    {
        if (_run is not { } r || r.Id != run)
        {
            return;
        }

        var open = S.History.FindLast(a => a.Step == r.Step && a.Phase == r.Phase && a.Attempt == attempt && a.EndedAt is null)
            ?? new SagaAttempt { Step = r.Step, Phase = r.Phase, Attempt = attempt, IdempotencyKey = r.Key };
        var entry = open with { EndedAt = time.GetUtcNow(), Status = result?.Status, Succeeded = result?.Succeeded ?? false, Error = result?.Error ?? error };
        var history = Replace(S.History, entry);
        metrics.StepEnded(S.Definition?.Name ?? "", entry.Step, entry.Phase, entry.Succeeded, entry.EndedAt!.Value - entry.StartedAt);
        if (result is not { Succeeded: true })
        {
            await Write(S with { History = history });
            return;
        }

        // The result of a success and the move to the next step are one write.
        var standing = S.Steps.ToList();
        if (r.Phase == Action)
        {
            standing[r.Index] = "done";
            var outputs = new Dictionary<string, string>(S.Outputs, StringComparer.Ordinal) { [r.Step] = result.Output };
            await Write(S with { History = history, Steps = standing, Outputs = outputs, Index = r.Index + 1 });
        }
        else
        {
            standing[r.Index] = "compensated";
            await Write(S with { History = history, Steps = standing, Index = r.Index - 1 });
        }

        _run = null;
        await KickSafely();
    }

    public async Task RunEnded(Guid run, SagaRunOutcome outcome, bool unknown, string? error)
    {
        if (_run is not { } r || r.Id != run)
        {
            return;
        }

        _run = null;
        switch (outcome)
        {
            case SagaRunOutcome.Unrecorded:
                // Storage refused a write: do not spin; the reminder (or the next call) resumes from what is stored.
                return;
            case SagaRunOutcome.Stopped:
                break;
            case SagaRunOutcome.Exhausted when r.Phase == Action:
                var standing = S.Steps.ToList();
                standing[r.Index] = unknown ? "unknown" : "failed";
                await Write(S with { Steps = standing, State = SagaStates.Compensating, Error = $"step '{r.Step}' failed: {error ?? "no answer"}" });
                break;
            case SagaRunOutcome.Exhausted:
                var attempts = S.Definition!.Steps[r.Index].Retry.MaxAttempts;
                var reason = $"compensation of step '{r.Step}' failed {attempts} times: {error ?? "no answer"}";
                await Write(S with { State = SagaStates.NeedsAttention, Error = reason });
                await Unremind();
                metrics.Parked(S.Definition?.Name ?? "");
                LogParked(logger, Id, r.Step, reason);
                return;
        }

        await KickSafely();
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
        if (S.State != SagaStates.NeedsAttention || _run is not null)
        {
            throw new PlatformConflictException($"Saga instance '{Id}' is {S.State}; only an instance that needs attention takes retry or skip.");
        }
    }

    /// <summary>Moves the state machine until a step's pipeline is launched or the instance is at rest; a failed write is logged and left to the reminder.</summary>
    private async Task KickSafely()
    {
        try
        {
            await Kick();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogKickFailed(logger, Id, ex);
        }
    }

    private async Task Kick()
    {
        if (_run is not null || _stop.IsCancellationRequested)
        {
            return;
        }

        while (S.Definition is { } definition)
        {
            var steps = definition.Steps;
            switch (S.State)
            {
                case SagaStates.Running when S.AbortRequested:
                    // A step in doubt when the abort came may have been applied: compensate it.
                    await Write(S with
                    {
                        State = SagaStates.Compensating,
                        Index = Math.Min(S.Index, steps.Count - 1),
                        Error = "aborted",
                        Steps = [.. S.Steps.Select(s => s == "in-doubt" ? "unknown" : s)],
                    });
                    continue;
                case SagaStates.Running when S.Index >= steps.Count:
                    await Write(S with { State = SagaStates.Completed });
                    await Unremind();
                    return;
                case SagaStates.Running:
                    var step = steps[S.Index];
                    Launch(S.Index, Action, step.Action, $"{Id}:{step.Name}", S.Steps[S.Index] == "in-doubt");
                    return;
                case SagaStates.Compensating:
                    var index = S.Index;
                    while (index >= 0 && !(NeedsCompensation(S.Steps[index]) && steps[index].Compensation is not null))
                    {
                        index--;
                    }

                    if (index < 0)
                    {
                        await Write(S with { State = SagaStates.Compensated, Index = -1 });
                        await Unremind();
                        return;
                    }

                    if (index != S.Index)
                    {
                        await Write(S with { Index = index });
                    }

                    Launch(index, Compensation, steps[index].Compensation!, $"{Id}:{steps[index].Name}:compensate", false);
                    return;
                default:
                    return;
            }
        }
    }

    private static bool NeedsCompensation(string standing) => standing is "done" or "unknown" or "in-doubt";

    /// <summary>Starts the step's pipeline on the thread pool with everything it needs rendered now, in this turn.</summary>
    private void Launch(int index, string phase, SagaOperation operation, string key, bool inDoubt)
    {
        var step = S.Definition!.Steps[index];
        var run = new Run(Guid.NewGuid(), index, phase, step.Name, key);
        _run = run;
        var pipeline = new SagaStepPipeline(
            this.AsReference<ISagaRunGrain>(), run.Id, runner, Render(operation), key, step, inDoubt,
            options.Value.MaxBackoffMs, time, logger, _stop.Token);
        _ = Task.Run(pipeline.RunAsync, CancellationToken.None);
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
            Ops = operation.Ops?.Select(o => o with { Key = Apply(o.Key, v => v)!, Value = Apply(o.Value, v => v) }).ToList(),
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
        state.State = next with { UpdatedAt = time.GetUtcNow(), Revision = published.Revision + 1 };
        try
        {
            await state.WriteStateAsync();
            if (state.State.State != published.State)
            {
                metrics.Entered(state.State.Definition?.Name ?? "", state.State.State);
            }

            var changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
            changed.TrySetResult();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            state.State = published;
            if (ex is InconsistentStateException)
            {
                // Another activation wrote: this one's log is stale. Step aside; the next activation reads the stored one.
                _stop.Cancel();
                DeactivateOnIdle();
            }

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
            Steps = S.Steps,
            Silo = silo.SiloAddress.ToParsableString(),
            Revision = S.Revision,
        };
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Saga instance '{Id}' parked as needs-attention at step '{Step}': {Error}")]
    private static partial void LogParked(ILogger logger, string id, string step, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Saga instance '{Id}': a write failed; the resume reminder goes on from the stored log")]
    private static partial void LogKickFailed(ILogger logger, string id, Exception ex);

    /// <summary>The pipeline this activation launched last (its id is checked on every report).</summary>
    private sealed record Run(Guid Id, int Index, string Phase, string Step, string Key);
}
