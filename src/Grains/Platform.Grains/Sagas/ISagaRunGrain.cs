namespace Platform.Sagas;

/// <summary>
/// The silo-internal side of a saga instance (same grain as <see cref="ISagaInstanceGrain"/>), called only by its own
/// step pipeline, which runs off the activation. Guarantee: every intent and result is written in a grain turn of
/// the instance, never concurrently with another write, and a call from a pipeline the activation no longer owns
/// changes nothing.
/// </summary>
[Alias("Platform.ISagaRunGrain")]
public interface ISagaRunGrain : IGrainWithStringKey
{
    /// <summary>Writes the intent of attempt <paramref name="attempt"/> of run <paramref name="run"/>; false: do not call (abort, or a stale run).</summary>
    [Alias("AttemptStarting")]
    Task<bool> AttemptStarting(Guid run, int attempt);

    /// <summary>Writes the attempt's result (<paramref name="result"/> null: no answer, <paramref name="error"/> says why); a success also finishes the step and moves on.</summary>
    [Alias("AttemptEnded")]
    Task AttemptEnded(Guid run, int attempt, SagaStepResult? result, string? error);

    /// <summary>The pipeline ended without a success (<paramref name="unknown"/>: some attempt had no answer): record it and move on.</summary>
    [Alias("RunEnded")]
    Task RunEnded(Guid run, SagaRunOutcome outcome, bool unknown, string? error);
}
