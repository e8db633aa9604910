namespace Platform.Sagas;

/// <summary>How a step pipeline ended without a success (a success finishes the step when its result is written).</summary>
[GenerateSerializer, Alias("Platform.SagaRunOutcome")]
public enum SagaRunOutcome
{
    /// <summary>Every attempt failed: the step (or compensation) failed.</summary>
    Exhausted = 0,

    /// <summary>The instance said not to call again (abort): move on from the log.</summary>
    Stopped = 1,

    /// <summary>An intent or result could not be written: nothing more is called; the reminder resumes from the log.</summary>
    Unrecorded = 2,
}
