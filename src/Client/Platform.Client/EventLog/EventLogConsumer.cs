using System.Runtime.CompilerServices;
using Platform.Errors;

namespace Platform.EventLog;

/// <summary>
/// A consumer-group member as an <see cref="IAsyncEnumerable{T}"/>: it joins the group, heartbeats in the background,
/// rejoins when the group rebalances (calling <see cref="EventLogConsumerOptions.OnRevoked"/> and
/// <see cref="EventLogConsumerOptions.OnAssigned"/>), reads each held partition from its committed offset, and commits
/// only when told (<see cref="CommitAsync(CancellationToken)"/>): commit after processing for at-least-once, before it
/// for at-most-once. A commit from a member that lost its partitions is refused by the group (409), never applied.
/// One reader at a time: <see cref="ConsumeAsync"/> is not for concurrent enumeration.
/// </summary>
public sealed class EventLogConsumer : IAsyncDisposable
{
    private readonly IEventLog _log;
    private readonly string _group;
    private readonly IReadOnlyList<string> _topics;
    private readonly EventLogConsumerOptions _options;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<TopicPartition, long?> _positions = [];
    private Task? _heartbeats;
    private volatile bool _rejoin;
    private long _generation;

    public EventLogConsumer(IEventLog log, string group, IReadOnlyList<string> topics, EventLogConsumerOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentException.ThrowIfNullOrEmpty(group);
        ArgumentNullException.ThrowIfNull(topics);
        _options = options ?? new EventLogConsumerOptions();
        _options.Validate();
        _log = log;
        _group = group;
        _topics = topics;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The member id of the last join; null before the first.</summary>
    public string? MemberId { get; private set; }

    /// <summary>The generation the last join answered; commits carry it.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>The partitions this member holds now.</summary>
    public IReadOnlyList<TopicPartition> Assignment => [.. _positions.Keys.Order()];

    /// <summary>Records of the held partitions, in offset order per partition, until cancelled.</summary>
    public async IAsyncEnumerable<ConsumedRecord> ConsumeAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        var token = linked.Token;
        if (MemberId is null || _rejoin)
        {
            await JoinAsync(token);
        }

        while (!token.IsCancellationRequested)
        {
            if (_rejoin)
            {
                await JoinAsync(token);
            }

            if (_positions.Count == 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(_options.PollWaitMs, 50)), _time, token);
                continue;
            }

            var held = _positions.ToList();
            var pages = await Task.WhenAll(held.Select(p => FetchAsync(p.Key, p.Value, token)));
            for (var i = 0; i < held.Count; i++)
            {
                var (partition, page) = (held[i].Key, pages[i]);
                if (page is null || !_positions.ContainsKey(partition))
                {
                    continue;
                }

                foreach (var record in page.Records)
                {
                    _positions[partition] = record.Offset + 1;
                    yield return new ConsumedRecord(partition.Topic, partition.Partition, record);
                }

                // Past records retention or compaction removed, or at the end: the next fetch starts after them.
                if (_positions.TryGetValue(partition, out var at) && (at ?? -1) < page.NextOffset)
                {
                    _positions[partition] = page.NextOffset;
                }
            }
        }
    }

    /// <summary>
    /// Commits the position after the last record returned of every held partition. Throws
    /// <see cref="PlatformConflictException"/> (and rejoins before the next fetch) when the group has moved on: a new
    /// generation, or the partition went to another member; records since the last commit may then be delivered again.
    /// </summary>
    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        var offsets = _positions.Where(p => p.Value is not null).Select(p => new OffsetCommit(p.Key.Topic, p.Key.Partition, p.Value!.Value)).ToList();
        if (MemberId is not null && offsets.Count > 0)
        {
            await CommitAsync(offsets, cancellationToken);
        }
    }

    /// <summary>Commits the position after <paramref name="record"/> (and so everything before it in its partition).</summary>
    public Task CommitAsync(ConsumedRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return MemberId is null
            ? Task.CompletedTask
            : CommitAsync([new OffsetCommit(record.Topic, record.Partition, record.Record.Offset + 1)], cancellationToken);
    }

    /// <summary>Stops heartbeating and leaves the group, so its partitions move at once rather than after the session.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_heartbeats is not null)
        {
            await _heartbeats;
        }

        if (MemberId is not null)
        {
            try
            {
                await _log.LeaveGroupAsync(_group, MemberId);
            }
            catch (PlatformException)
            {
                // Already gone (session expired): nothing to leave.
            }
        }

        _stopping.Dispose();
    }

    /// <summary>A refused commit (409: the group moved to a new generation, or the partition went to another member) rejoins before the next fetch.</summary>
    private async Task CommitAsync(IReadOnlyList<OffsetCommit> offsets, CancellationToken cancellationToken)
    {
        try
        {
            await _log.CommitAsync(_group, MemberId!, Generation, offsets, cancellationToken);
        }
        catch (PlatformConflictException)
        {
            _rejoin = true;
            throw;
        }
    }

    private async Task JoinAsync(CancellationToken cancellationToken)
    {
        _rejoin = false;
        var joined = await _log.JoinGroupAsync(
            _group,
            new GroupJoinRequest { Topics = _topics, MemberId = MemberId, InstanceId = _options.InstanceId, SessionTimeoutMs = _options.SessionTimeoutMs, Assignor = _options.Assignor },
            waitMs: Math.Min(_options.SessionTimeoutMs / 2, 5_000),
            cancellationToken);
        MemberId = joined.MemberId;
        Interlocked.Exchange(ref _generation, joined.Generation);
        var now = joined.Assignment.ToHashSet();
        var revoked = _positions.Keys.Where(p => !now.Contains(p)).Order().ToList();
        var assigned = now.Where(p => !_positions.ContainsKey(p)).Order().ToList();
        if (revoked.Count > 0)
        {
            if (_options.OnRevoked is { } onRevoked)
            {
                await onRevoked(revoked, cancellationToken);
            }

            foreach (var p in revoked)
            {
                _positions.Remove(p);
            }
        }

        if (assigned.Count > 0)
        {
            // Each gained partition starts at the group's committed offset (null: the configured start).
            var committed = (await _log.DescribeGroupAsync(_group, cancellationToken)).Partitions;
            foreach (var p in assigned)
            {
                _positions[p] = committed.FirstOrDefault(c => c.Topic == p.Topic && c.Partition == p.Partition)?.Committed;
            }

            if (_options.OnAssigned is { } onAssigned)
            {
                await onAssigned(assigned, cancellationToken);
            }
        }

        // Still moving: partitions may come once other members let go; the heartbeat says when to look again.
        _rejoin = joined.Rebalancing && joined.Assignment.Count == 0;
        _heartbeats ??= Task.Run(() => HeartbeatLoopAsync(_stopping.Token));
    }

    private async Task<ReadResult?> FetchAsync(TopicPartition partition, long? position, CancellationToken cancellationToken)
    {
        var start = position is { } offset ? ReadStart.At(offset) : _options.StartAtEarliest ? ReadStart.Earliest : new ReadStart { Latest = true };
        try
        {
            return await _log.ReadAsync(partition.Topic, partition.Partition, start, _options.MaxRecordsPerFetch, _options.PollWaitMs, cancellationToken);
        }
        catch (PlatformNotFoundException)
        {
            // The topic went away: the group's next rebalance drops the partition.
            _rejoin = true;
            return null;
        }
    }

    private async Task HeartbeatLoopAsync(CancellationToken stopping)
    {
        var interval = TimeSpan.FromMilliseconds(_options.SessionTimeoutMs / 3.0);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, _time, stopping);
                if (MemberId is { } member)
                {
                    var beat = await _log.HeartbeatAsync(_group, member, Generation, stopping);
                    if (beat.Rejoin || beat.Generation != Generation)
                    {
                        _rejoin = true;
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (PlatformNotFoundException)
            {
                // The session ran out: join again as a new member.
                MemberId = null;
                _rejoin = true;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A lost heartbeat (timeout, silo gone) is retried at the next interval; the session allows for two.
            }
        }
    }
}
