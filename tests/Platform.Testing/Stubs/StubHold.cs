namespace Platform.Testing.Stubs;

/// <summary>A call held by <see cref="StubService.Hold"/>: <see cref="Reached"/> completes when it arrives; <see cref="Release"/> drops it.</summary>
public sealed class StubHold
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal StubHold(string path, StubHoldPoint point)
    {
        Path = path;
        Point = point;
    }

    public string Path { get; }

    public StubHoldPoint Point { get; }

    /// <summary>The held call (null until <see cref="Reached"/>).</summary>
    public StubCall? Call { get; private set; }

    /// <summary>Completes when the held call has arrived (and, for <see cref="StubHoldPoint.AfterApply"/>, was applied).</summary>
    public Task Reached => _reached.Task;

    /// <summary>Drops the held call without an answer.</summary>
    public void Release() => _released.TrySetResult();

    internal Task HoldAsync(StubCall call)
    {
        Call = call;
        _reached.TrySetResult();
        return _released.Task;
    }
}
