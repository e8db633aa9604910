using Orleans.Concurrency;

namespace Platform.Sagas;

/// <summary>
/// One saga instance (key: its id). Guarantee: each step's intent is persisted before its call and its result after,
/// so after a crash it resumes at the step in doubt with the same idempotency key; compensations run in reverse order
/// for every completed or unknown step, and one that keeps failing parks the instance, never drops it.
/// </summary>
[Alias("Platform.ISagaInstanceGrain")]
public interface ISagaInstanceGrain : IGrainWithStringKey
{
    /// <summary>Starts the instance once; a later call answers the existing instance (<see cref="SagaInstanceView.Created"/> false).</summary>
    [Alias("Start")]
    Task<SagaInstanceView> Start(SagaDefinition definition, string input);

    /// <summary>The instance; null when it was never started.</summary>
    [Alias("Get")]
    Task<SagaInstanceView?> Get();

    /// <summary>Compensates now (after the call in flight, if any). Conflict once the instance is completed or compensated.</summary>
    [Alias("Abort")]
    Task<SagaInstanceView> Abort();

    /// <summary>Resumes a parked instance at the compensation that failed. Conflict unless it needs attention.</summary>
    [Alias("Retry")]
    Task<SagaInstanceView> Retry();

    /// <summary>Marks a parked instance's failing compensation as done by hand and goes on. Conflict unless it needs attention.</summary>
    [Alias("Skip")]
    Task<SagaInstanceView> Skip();

    /// <summary>The instance once its revision is above <paramref name="afterRevision"/> (at once if it is), or null after <paramref name="waitMs"/>; interleaves with the instance's turns.</summary>
    [Alias("WaitForChange"), AlwaysInterleave]
    Task<SagaInstanceView?> WaitForChange(long afterRevision, int waitMs);
}
