namespace Platform.ClusterTests.History;

/// <summary>
/// A fixed set of client loops that run until stopped. The first exception in any loop (a definite wrong answer,
/// <see cref="UnexpectedAnswerException"/>) stops them all; <see cref="ThrowIfFaulted"/> (call it inside every wait
/// of the test) and <see cref="StopAsync"/> rethrow it, so the test fails at once rather than at its next timeout.
/// Dispose stops the loops too, so no client outlives the test.
/// </summary>
public sealed class ClientWorkload : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _clients = [];
    private Exception? _fault;
    private int _disposed;

    /// <summary>Cancelled by <see cref="StopAsync"/> or by the first fault.</summary>
    public CancellationToken Stopping => _stop.Token;

    public bool IsFaulted => Volatile.Read(ref _fault) is not null;

    /// <summary>Starts one client loop; it should return soon after <paramref name="loop"/>'s token is cancelled.</summary>
    public void Start(Func<CancellationToken, Task> loop)
    {
        ArgumentNullException.ThrowIfNull(loop);
        var token = _stop.Token;
        _clients.Add(Task.Run(async () =>
        {
            try
            {
                await loop(token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                Interlocked.CompareExchange(ref _fault, ex, null);
                await _stop.CancelAsync();
            }
        }));
    }

    /// <summary>Throws when a client loop failed (with that failure inside).</summary>
    public void ThrowIfFaulted()
    {
        if (Volatile.Read(ref _fault) is { } fault)
        {
            throw new UnexpectedAnswerException("A workload client stopped on a definite wrong answer: " + fault.Message, fault);
        }
    }

    /// <summary><paramref name="condition"/>, after <see cref="ThrowIfFaulted"/>: for <c>Eventually.Until</c>.</summary>
    public bool Check(Func<bool> condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ThrowIfFaulted();
        return condition();
    }

    /// <summary>Stops every loop, waits for them (each finishes its operation in flight), then <see cref="ThrowIfFaulted"/>.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients);
        ThrowIfFaulted();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        await Task.WhenAll(_clients);
        _stop.Dispose();
    }
}
