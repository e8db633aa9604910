namespace Platform.ClusterTests.History;

/// <summary>
/// Whether a fault touched what a test checks: operations in flight across the fault and operations that succeeded
/// after the cluster reacted. Times are <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> values, as the
/// recorder's.
/// </summary>
public static class FaultEvidence
{
    /// <summary>Operations invoked before <paramref name="at"/> that completed after it or never.</summary>
    public static IReadOnlyList<RecordedOperation<TInput, TOutput>> InFlightAcross<TInput, TOutput>(IEnumerable<RecordedOperation<TInput, TOutput>> operations, long at) =>
        [.. operations.Where(o => o.Invoked < at && (o.Completed is null || o.Completed > at))];

    /// <summary>Operations invoked after <paramref name="at"/> with a known result.</summary>
    public static IReadOnlyList<RecordedOperation<TInput, TOutput>> SucceededAfter<TInput, TOutput>(IEnumerable<RecordedOperation<TInput, TOutput>> operations, long at) =>
        [.. operations.Where(o => o.Invoked > at && o.Succeeded)];
}
