using System.Collections.Concurrent;
using Orleans.Storage;
using Platform.KeyValue;
using Platform.KeyValue.Storage;
using Platform.Sharding;

namespace Platform.Tests.Locks;

/// <summary>
/// Faults a test injects into real storage: the next matching operations fail (a timeout, throttling), either before
/// reaching the store (nothing written) or after it (written, but the caller hears an error: an unknown outcome),
/// or wait until the test lets them go. Shared by the decorators below; thread-safe.
/// </summary>
public sealed class StorageFaults
{
    private readonly ConcurrentQueue<Rule> _rules = new();
    private int _injected;

    /// <summary>How many operations failed by injection so far.</summary>
    public int Injected => Volatile.Read(ref _injected);

    /// <summary>Every operation that reached <see cref="Apply"/>, counted per target (faulted or not); a test may clear it.</summary>
    public ConcurrentDictionary<string, int> Operations { get; } = new(StringComparer.Ordinal);

    /// <summary>The next <paramref name="count"/> writes whose target contains <paramref name="target"/> throw <paramref name="exception"/>.</summary>
    public void FailWrites(string target, int count, Func<Exception> exception, bool afterWriting = false) =>
        _rules.Enqueue(new Rule(target, count, exception, afterWriting, hold: null));

    /// <summary>
    /// Until <see cref="Clear"/>, each write whose target contains <paramref name="target"/> fails with probability
    /// <paramref name="probability"/> (seeded), half of those after writing.
    /// </summary>
    public void FailRandomly(string target, double probability, int seed, Func<Exception> exception) =>
        _rules.Enqueue(new Rule(target, int.MaxValue, exception, afterWriting: false, hold: null) { Random = new Random(seed), Probability = probability });

    /// <summary>Drops every rule for <paramref name="target"/>.</summary>
    public void Clear(string target)
    {
        lock (_rules)
        {
            foreach (var rule in _rules.Where(r => r.Target == target))
            {
                rule.Remaining = 0;
            }
        }
    }

    /// <summary>
    /// The next write whose target contains <paramref name="target"/> waits before reaching the store; the returned
    /// hold says when it started and lets it go on (or fail).
    /// </summary>
    public WriteHold HoldNextWrite(string target)
    {
        var hold = new WriteHold();
        _rules.Enqueue(new Rule(target, 1, null, afterWriting: false, hold));
        return hold;
    }

    /// <summary>Runs <paramref name="write"/> (the real store's operation on <paramref name="target"/>) with whatever fault applies.</summary>
    public async Task Apply(string target, Func<Task> write)
    {
        Operations.AddOrUpdate(target, 1, static (_, n) => n + 1);
        var rule = Take(target);
        if (rule is null)
        {
            await write();
            return;
        }

        if (rule.Hold is { } hold)
        {
            hold.Started.TrySetResult();
            if (await hold.Outcome.Task is { } failure)
            {
                Interlocked.Increment(ref _injected);
                throw failure;
            }

            await write();
            return;
        }

        if (rule.AfterWriting || rule.WriteFirst)
        {
            await write();
        }

        Interlocked.Increment(ref _injected);
        throw rule.Exception!();
    }

    private Rule? Take(string target)
    {
        lock (_rules)
        {
            foreach (var rule in _rules)
            {
                if (rule.Remaining > 0 && target.Contains(rule.Target, StringComparison.Ordinal))
                {
                    if (rule.Random is { } random)
                    {
                        if (random.NextDouble() >= rule.Probability)
                        {
                            return null;
                        }

                        rule.WriteFirst = random.Next(2) == 0;
                        return rule;
                    }

                    rule.Remaining--;
                    return rule;
                }
            }

            return null;
        }
    }

    /// <summary>A timeout as a storage client reports one.</summary>
    public static Exception Timeout() => new TimeoutException("injected: the storage request timed out");

    /// <summary>Throttling as the Azure SDK reports it (HTTP 503 ServerBusy).</summary>
    public static Exception Throttled() => new Azure.RequestFailedException(503, "injected: the server is busy", "ServerBusy", null);

    private sealed class Rule(string target, int count, Func<Exception>? exception, bool afterWriting, WriteHold? hold)
    {
        public string Target => target;

        public int Remaining { get; set; } = count;

        public Func<Exception>? Exception => exception;

        public bool AfterWriting => afterWriting;

        public WriteHold? Hold => hold;

        public Random? Random { get; init; }

        public double Probability { get; init; }

        /// <summary>A random rule's choice for the write it just took (taken under the lock, used right after).</summary>
        public bool WriteFirst { get; set; }
    }
}

/// <summary>A write held back by <see cref="StorageFaults.HoldNextWrite"/>.</summary>
public sealed class WriteHold
{
    /// <summary>Completes when the held write reached the storage.</summary>
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal TaskCompletionSource<Exception?> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Proceed() => Outcome.TrySetResult(null);

    public void Fail(Exception exception) => Outcome.TrySetResult(exception);
}

/// <summary>
/// A real grain storage with <see cref="StorageFaults"/> on its writes and clears (target: <c>{stateName}/{grainId}</c>).
/// It takes no part in the silo lifecycle itself: the storage it wraps does, under its own name.
/// </summary>
public sealed class FaultyGrainStorage(IGrainStorage inner, StorageFaults faults) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle)
    {
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        faults.Apply($"{stateName}/{grainId}", () => inner.WriteStateAsync(stateName, grainId, grainState));

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        faults.Apply($"{stateName}/{grainId}", () => inner.ClearStateAsync(stateName, grainId, grainState));
}

/// <summary>A real shard storage with <see cref="StorageFaults"/> on drops (target: <c>drop/{shard}</c>).</summary>
public sealed class FaultyShardStorage(IShardStorage inner, StorageFaults faults) : IShardStorage
{
    public IShardStorage Inner => inner;

    public Task<IReadOnlyList<StoredEntry>> LoadAsync(ShardId shard, CancellationToken cancellationToken = default) => inner.LoadAsync(shard, cancellationToken);

    public Task<StoredEntry?> ReadAsync(ShardId shard, string key, CancellationToken cancellationToken = default) => inner.ReadAsync(shard, key, cancellationToken);

    public Task<string> WriteAsync(ShardId shard, KeyValueEntry entry, string? expectedETag, CancellationToken cancellationToken = default) =>
        inner.WriteAsync(shard, entry, expectedETag, cancellationToken);

    public Task DeleteAsync(ShardId shard, string key, string expectedETag, CancellationToken cancellationToken = default) =>
        inner.DeleteAsync(shard, key, expectedETag, cancellationToken);

    public Task DropAsync(ShardId shard, CancellationToken cancellationToken = default) =>
        faults.Apply($"drop/{shard}", () => inner.DropAsync(shard, cancellationToken));

    public Task<StoredShardLease?> ReadLeaseAsync(ShardId shard, CancellationToken cancellationToken = default) =>
        inner.ReadLeaseAsync(shard, cancellationToken);

    public Task<string> WriteLeaseAsync(ShardId shard, ShardLease lease, string? expectedETag, CancellationToken cancellationToken = default) =>
        inner.WriteLeaseAsync(shard, lease, expectedETag, cancellationToken);
}
