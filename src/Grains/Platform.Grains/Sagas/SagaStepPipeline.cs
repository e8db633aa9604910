using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Platform.Sagas;

/// <summary>
/// Every attempt of one step's action or compensation, run on the thread pool, off the instance's activation: a Polly
/// retry (exponential backoff from <c>backoffMs</c>, jitter, at most <c>maxAttempts</c>) around a Polly timeout of
/// <c>timeoutMs</c> per attempt. It holds only immutable inputs (the rendered operation, the key, the policy) and a
/// reference to the instance grain, so it can touch no grain state: before each attempt it asks the grain to write the
/// intent (and calls only when told to), after it the grain writes the result, both as grain calls that Orleans
/// queues behind the activation's other turns. Nothing here depends on which scheduler its continuations run on.
/// </summary>
internal sealed partial class SagaStepPipeline(
    ISagaRunGrain instance,
    Guid run,
    ISagaStepRunner runner,
    SagaOperation operation,
    string idempotencyKey,
    SagaStep step,
    bool inDoubt,
    int maxBackoffMs,
    TimeProvider time,
    ILogger logger,
    CancellationToken stop)
{
    private static readonly SagaStepResult NotCalled = new(false, null, "{}", "not called");

    public async Task RunAsync()
    {
        var unknown = inDoubt;
        var halted = SagaRunOutcome.Exhausted;
        string? lastError = null;
        var attempt = 0;
        var retry = step.Retry;
        var builder = new ResiliencePipelineBuilder<SagaStepResult> { TimeProvider = time };
        if (retry.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<SagaStepResult>
            {
                MaxRetryAttempts = retry.MaxAttempts - 1,
                Delay = TimeSpan.FromMilliseconds(retry.BackoffMs),
                MaxDelay = TimeSpan.FromMilliseconds(Math.Max(retry.BackoffMs, maxBackoffMs)),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = retry.Jitter,
                ShouldHandle = args => ValueTask.FromResult(
                    halted == SagaRunOutcome.Exhausted && !stop.IsCancellationRequested &&
                    (args.Outcome.Exception is not null || args.Outcome.Result is { Succeeded: false })),
            });
        }

        var pipeline = builder.Build();
        var timeout = new ResiliencePipelineBuilder { TimeProvider = time }.AddTimeout(TimeSpan.FromMilliseconds(step.TimeoutMs)).Build();
        var context = ResilienceContextPool.Shared.Get(continueOnCapturedContext: false, stop);
        try
        {
            var outcome = await pipeline.ExecuteOutcomeAsync(
                async (ctx, _) =>
                {
                    attempt++;
                    try
                    {
                        if (!await instance.AttemptStarting(run, attempt).ConfigureAwait(false))
                        {
                            halted = SagaRunOutcome.Stopped;
                            return Outcome.FromResult(NotCalled);
                        }
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        halted = SagaRunOutcome.Unrecorded;
                        return Outcome.FromException<SagaStepResult>(ex);
                    }

                    SagaStepResult? result = null;
                    string? error = null;
                    try
                    {
                        result = await timeout.ExecuteAsync(
                            static (c, args) => new ValueTask<SagaStepResult>(args.runner.RunAsync(args.operation, args.idempotencyKey, c.CancellationToken)),
                            ctx,
                            (runner, operation, idempotencyKey)).ConfigureAwait(false);
                        lastError = result.Succeeded ? null : result.Error;
                    }
                    catch (Exception ex) when (ex is TimeoutRejectedException && SagaDefinitionRules.ReadsOnly(operation) && !stop.IsCancellationRequested)
                    {
                        // Nothing it does has an effect: running out of time is a definite failure, nothing to compensate.
                        result = new SagaStepResult(false, null, "{}", $"no event within {step.TimeoutMs} ms");
                        lastError = result.Error;
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException && !stop.IsCancellationRequested)
                    {
                        // No answer: the effect may or may not have happened.
                        unknown = true;
                        error = ex is TimeoutRejectedException ? $"timed out after {step.TimeoutMs} ms" : ex.Message;
                        lastError = error;
                    }

                    try
                    {
                        await instance.AttemptEnded(run, attempt, result, error).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        halted = SagaRunOutcome.Unrecorded;
                        return Outcome.FromException<SagaStepResult>(ex);
                    }

                    return result is null ? Outcome.FromException<SagaStepResult>(new TimeoutRejectedException(error ?? "no answer")) : Outcome.FromResult(result);
                },
                context,
                0).ConfigureAwait(false);
            if (outcome.Result is { Succeeded: true } && halted == SagaRunOutcome.Exhausted)
            {
                // The grain finished the step when it wrote this attempt's result.
                return;
            }

            if (outcome.Exception is { } failure && halted == SagaRunOutcome.Unrecorded)
            {
                LogUnrecorded(logger, idempotencyKey, failure);
            }
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        if (stop.IsCancellationRequested)
        {
            // The activation is going away: the log says where a new one resumes.
            return;
        }

        try
        {
            await instance.RunEnded(run, halted, unknown, lastError).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogUnrecorded(logger, idempotencyKey, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Saga step '{Key}': the instance could not record an attempt; the resume reminder picks it up from the log")]
    private static partial void LogUnrecorded(ILogger logger, string key, Exception ex);
}
