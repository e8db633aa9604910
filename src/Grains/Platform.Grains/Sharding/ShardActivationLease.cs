using Microsoft.Extensions.Logging;
using Platform.Errors;
using Platform.KeyValue.Storage;

namespace Platform.Sharding;

/// <summary>
/// A shard activation's lease in shard storage (<see cref="ShardLease"/>): while it holds it, the activation may serve
/// from memory. Valid for 0.9 x the lease time on this silo's monotonic clock, counted from before its last lease
/// write; another activation that finds the lease waits the holder's whole lease time x 1.1 on its own clock, counted
/// from after it read the lease, then takes it over ETag-checked (failing if the holder renewed meanwhile). Safe while
/// silo clocks run at rates within about 20% of each other; a paused process is fine (its monotonic clock keeps
/// counting). Used by key-value and transactional shards alike (docs/keyvalue.md, "the activation lease").
/// </summary>
/// <remarks>Not thread-safe by itself: a shard calls it from its own turns.</remarks>
public sealed partial class ShardActivationLease(IShardStorage storage, ShardId shard, TimeSpan leaseTime, ILogger logger)
{
    /// <summary>What part of its lease an activation may use, and how much longer another waits: the clock-rate margin.</summary>
    private const double Usable = 0.9;
    private const double Wait = 1.1;
    private const int TakeOverAttempts = 3;

    /// <summary>
    /// The lease runs on the real monotonic clock, not the grains' <see cref="TimeProvider"/>: it is about how long
    /// another activation can really still be serving, and a test's fake clock must not freeze a take-over.
    /// </summary>
    private static readonly TimeProvider Clock = TimeProvider.System;

    // A random holder id per activation; the ETag of our lease row as we last wrote it (null: we do not hold the
    // lease); the monotonic timestamp taken before that write.
    private readonly string _holder = Guid.NewGuid().ToString("N");
    private string? _etag;
    private long _from;

    // The renewal in flight: calls of a reentrant shard that find the lease due share it, or the losers of their own
    // ETag race would take the winner's renewal for a take-over.
    private Task<bool>? _renewal;

    /// <summary>True once this activation took the lease and has not lost, released or forgotten it.</summary>
    public bool IsHeld => _etag is not null;

    /// <summary>How long this activation may still serve from memory.</summary>
    public TimeSpan Left => _etag is null ? TimeSpan.Zero : (leaseTime * Usable) - Clock.GetElapsedTime(_from);

    /// <summary>True while more than half the lease is left: serve at once, no storage call.</summary>
    public bool IsFresh => Left > leaseTime / 2;

    /// <summary>
    /// Takes the lease: when another activation holds it, waits its whole lease time (x1.1) from after reading it,
    /// then writes ours conditional on the ETag read (a holder that renewed meanwhile keeps it, and this waits again).
    /// Throws <see cref="PlatformUnavailableException"/> after three lost attempts.
    /// </summary>
    public async Task TakeAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < TakeOverAttempts; attempt++)
        {
            var current = await storage.ReadLeaseAsync(shard, cancellationToken);
            var readAt = Clock.GetTimestamp();
            if (current is { Lease: { Duration: var held, Holder: var holder } } && held > TimeSpan.Zero && holder != _holder)
            {
                var wait = (held * Wait) - Clock.GetElapsedTime(readAt);
                LogWaiting(shard, (long)wait.TotalMilliseconds);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, Clock, cancellationToken);
                }
            }

            if (await TryWriteAsync(current?.ETag, cancellationToken))
            {
                return;
            }
        }

        throw new PlatformUnavailableException($"Shard {shard} is being served by another activation; retry.");
    }

    /// <summary>Renews our own lease; true only if nobody took it since we last wrote it, so memory is still the truth.</summary>
    public async Task<bool> TryRenewAsync()
    {
        if (_etag is not { } etag)
        {
            return false;
        }

        if (await TryWriteAsync(etag, CancellationToken.None))
        {
            return true;
        }

        _etag = null;
        return false;
    }

    /// <summary>True if the lease is fresh, or renewed now (one renewal shared by concurrent callers); false if another activation took it.</summary>
    public async ValueTask<bool> HoldAsync()
    {
        if (IsFresh)
        {
            return true;
        }

        if (_renewal is not { IsCompleted: false })
        {
            _renewal = TryRenewAsync();
        }

        return await _renewal;
    }

    /// <summary>Releases the lease (time 0), so the next activation need not wait it out; failures are only logged.</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        if (_etag is not { } etag)
        {
            return;
        }

        _etag = null;
        try
        {
            await storage.WriteLeaseAsync(shard, new ShardLease(_holder, TimeSpan.Zero), etag, cancellationToken);
        }
        catch (Exception ex)
        {
            // Taken over or not reachable: the next activation waits the lease out instead.
            LogReleaseFailed(shard, ex.Message);
        }
    }

    /// <summary>Stops serving without writing (the shard's storage, lease included, is being dropped).</summary>
    public void Forget() => _etag = null;

    private async Task<bool> TryWriteAsync(string? expectedETag, CancellationToken cancellationToken)
    {
        var started = Clock.GetTimestamp();
        try
        {
            _etag = await storage.WriteLeaseAsync(shard, new ShardLease(_holder, leaseTime), expectedETag, cancellationToken);
            _from = started;
            return true;
        }
        catch (ShardStorageConflictException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Shard {Shard}: another activation holds the activation lease; waiting {WaitMs} ms before taking it over")]
    private partial void LogWaiting(ShardId shard, long waitMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Shard {Shard}: could not release the activation lease: {Reason}")]
    private partial void LogReleaseFailed(ShardId shard, string reason);
}
