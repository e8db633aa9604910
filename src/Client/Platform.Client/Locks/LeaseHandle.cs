using Platform.Errors;

namespace Platform.Locks;

/// <summary>
/// A held lease renewed every third of its length. <see cref="Lost"/> fires on a refused renewal or, when renewals
/// fail (cluster unreachable), once the lease has run out by this process's own clock, counted from before the
/// acquire or the last successful renewal was sent, so it never fires later than the lease grain's expiry.
/// </summary>
internal sealed class LeaseHandle : ILeaseHandle
{
    private readonly ILockGrain _grain;
    private readonly int _leaseMs;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _lost;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewal;
    private int _released;

    public LeaseHandle(ILockGrain grain, string name, LeaseHolder lease, int leaseMs, long sentAt, bool autoRenew, TimeProvider time)
    {
        _grain = grain;
        _leaseMs = leaseMs;
        _time = time;
        Name = name;
        Owner = lease.Owner;
        Token = lease.Token;
        ExpiresAt = lease.ExpiresAt;
        _lost = new CancellationTokenSource(Remaining(sentAt), time);
        _renewal = autoRenew ? RenewLoop() : Task.CompletedTask;
    }

    public string Name { get; }

    public string Owner { get; }

    public long Token { get; }

    public DateTimeOffset ExpiresAt { get; private set; }

    public CancellationToken Lost => _lost.Token;

    public async Task ReleaseAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _released, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        await _renewal;
        if (!_lost.IsCancellationRequested)
        {
            // A Lost answer means it had run out already: nothing left to release.
            await _grain.Release(Owner, Token).WaitAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ReleaseAsync();
        }
        catch (Exception ex) when (ex is PlatformException or OrleansException or TimeoutException)
        {
            // The lease runs out on its own; disposal must not throw for an unreachable cluster.
        }
        finally
        {
            _stop.Dispose();
        }
    }

    private TimeSpan Remaining(long sentAt)
    {
        var left = TimeSpan.FromMilliseconds(_leaseMs) - _time.GetElapsedTime(sentAt);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private async Task RenewLoop()
    {
        var interval = TimeSpan.FromMilliseconds(Math.Max(1, _leaseMs / 3));
        while (!_lost.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, _time, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var sentAt = _time.GetTimestamp();
            try
            {
                var result = await _grain.Renew(Owner, Token, _leaseMs).WaitAsync(_lost.Token);
                if (result.Status != LeaseStatus.Ok || result.Lease is null)
                {
                    await _lost.CancelAsync();
                    return;
                }

                ExpiresAt = result.Lease.ExpiresAt;
                if (!_lost.IsCancellationRequested)
                {
                    _lost.CancelAfter(Remaining(sentAt));
                }
            }
            catch (OperationCanceledException) when (_lost.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is PlatformException or OrleansException or TimeoutException)
            {
                // Transient: try again next interval; _lost fires by itself if no renewal gets through in time.
            }
        }
    }
}
