using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Platform.Errors;
using Platform.EventLog.Storage;

namespace Platform.EventLog;

/// <summary>
/// One partition: assigns offsets, writes every append (records as a chunk of the active segment, and the head with
/// the producer table) to <see cref="IPartitionStorage"/> in one ETag-checked write before answering, keeps only a
/// recent window of records in memory (older ones are read from storage), and applies retention and compaction.
/// </summary>
/// <remarks>
/// [Reentrant] so that long-poll reads wait without holding up appends. Writes (appends, retention, drops) run one at
/// a time under <see cref="_gate"/> (an async mutex, never a blocked thread); appends that queue behind a write are
/// written together by the next one (group commit: one chunk, one storage write, each append answered with its own
/// offsets or refusal); reads take no gate and answer from the
/// published window, to which an append adds only after its write succeeded, or from storage below it (a read that
/// overlapped a compaction rewrite is read again). A write that loses its ETag race (another activation wrote)
/// re-loads the partition and decides the append again once on the fresh state, so a stale activation never stores
/// an offset twice and never answers a retry with offsets it did not see.
/// </remarks>
[Reentrant]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The gate lives as long as the activation and holds no wait handle.")]
public sealed partial class PartitionGrain(IPartitionStorage storage, IOptions<EventLogOptions> options, TimeProvider time, ILocalSiloDetails silo, EventLogMetrics metrics, ILogger<PartitionGrain> logger) : Grain, IPartitionGrain
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private PartitionId _id;
    private TopicInfo? _topic;
    private PartitionHead _head = new();
    private string? _etag;
    private List<SegmentInfo> _segments = [];
    private List<LogRecord> _tail = [];
    private long _tailStart;
    private long _tailBytes;
    private long _rewrites;
    private bool _cleaning;
    private long _compactedTo = -1;
    private DateTimeOffset _tombstonesDue = DateTimeOffset.MaxValue;
    private TaskCompletionSource _appended = NewSignal();
    private readonly List<PendingAppend> _pending = [];

    private EventLogOptions Limits => options.Value;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _id = PartitionId.Parse(this.GetPrimaryKeyString());
        Publish(await storage.LoadAsync(_id, Limits.MemoryWindowBytes, cancellationToken));
        var period = TimeSpan.FromMilliseconds(Limits.CleanupIntervalMs);
        this.RegisterGrainTimer(CleanAsync, new GrainTimerCreationOptions(period, period) { Interleave = true });
    }

    public async Task<AppendResult> Append(IReadOnlyList<ProduceRecord> records, ProducerStamp? producer)
    {
        ArgumentNullException.ThrowIfNull(records);
        var topic = await CheckTopicAsync();
        if (records.Count == 0 || records.Count > Limits.MaxBatchRecords)
        {
            throw new PlatformValidationException("records", $"must hold 1 to {Limits.MaxBatchRecords} records (got {records.Count}) ({EventLogOptions.SectionName}:MaxBatchRecords)");
        }

        for (var i = 0; i < records.Count; i++)
        {
            if (records[i].Size() > topic.Spec.MaxRecordBytes)
            {
                throw new PlatformPayloadTooLargeException($"records[{i}] is {records[i].Size()} bytes; topic '{topic.Name}' allows at most {topic.Spec.MaxRecordBytes} (maxRecordBytes).");
            }
        }

        // Group commit: appends that arrive while a write is in flight queue up, and the next holder of the gate
        // writes all queued appends (up to one batch's limits) as ONE chunk with the head, answering each with its
        // own offsets (or its own refusal) once that write succeeded.
        var pending = new PendingAppend(records, producer);
        _pending.Add(pending);
        await _gate.WaitAsync();
        try
        {
            while (!pending.Done.Task.IsCompleted)
            {
                await WriteQueuedAsync();
            }
        }
        finally
        {
            _gate.Release();
        }

        var appended = await pending.Done.Task;
        metrics.Appended(_id.Topic, records.Count, appended.Duplicate);
        return appended;
    }

    /// <summary>Takes the queued appends that fit one write (records and bytes limits, at least one) and writes them.</summary>
    private async Task WriteQueuedAsync()
    {
        var take = 0;
        var count = 0;
        var bytes = 0L;
        while (take < _pending.Count)
        {
            var next = _pending[take];
            if (take > 0 && (count + next.Records.Count > Limits.MaxBatchRecords || bytes + next.Bytes > Limits.MaxBatchBytes))
            {
                break;
            }

            count += next.Records.Count;
            bytes += next.Bytes;
            take++;
        }

        var batch = _pending.GetRange(0, take);
        _pending.RemoveRange(0, take);
        try
        {
            foreach (var (append, result) in await WriteAsync(batch))
            {
                append.Done.TrySetResult(result);
            }
        }
        catch (Exception ex)
        {
            foreach (var append in batch)
            {
                append.Done.TrySetException(ex);
            }
        }
    }

    /// <summary>
    /// Decides the appends of <paramref name="batch"/> in order on the published head (a producer's retry answered with
    /// its stored offsets, a refused one failed alone) and stores the accepted ones in one ETag-checked write; on a
    /// lost ETag race re-loads and decides again once.
    /// </summary>
    private async Task<List<(PendingAppend Append, AppendResult Result)>> WriteAsync(List<PendingAppend> batch)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (_head.Dropped)
            {
                throw new TopicGoneException($"Partition {_id.Index} of topic '{_id.Topic}' (generation {_id.Generation}) was deleted.");
            }

            var now = time.GetUtcNow();
            var stamp = now < _head.LastTimestamp ? _head.LastTimestamp : now;
            var first = _head.NextOffset;
            var next = first;
            var producers = _head.Producers;
            var appended = new List<LogRecord>();
            var answers = new List<(PendingAppend Append, AppendResult? Result)>();
            foreach (var append in batch)
            {
                if (append.Done.Task.IsCompleted)
                {
                    continue;
                }

                if (append.Producer is { } producer)
                {
                    ProducerBatch? stored;
                    try
                    {
                        stored = ProducerTable.FindDuplicate(producers, producer);
                    }
                    catch (PlatformException ex)
                    {
                        append.Done.TrySetException(ex);
                        continue;
                    }

                    if (stored is not null)
                    {
                        answers.Add((append, new AppendResult { Offsets = [.. Enumerable.Range(0, stored.Count).Select(i => stored.FirstOffset + i)], Duplicate = true }));
                        continue;
                    }

                    producers = ProducerTable.Record(producers, producer, next, append.Records.Count, now, Limits.MaxProducersPerPartition);
                }

                var offsets = new List<long>(append.Records.Count);
                foreach (var r in append.Records)
                {
                    appended.Add(new LogRecord { Offset = next, Key = r.Key, Value = r.Value, Headers = r.Headers, Timestamp = stamp });
                    offsets.Add(next++);
                }

                answers.Add((append, new AppendResult { Offsets = offsets }));
            }

            if (appended.Count == 0)
            {
                return [.. answers.Select(a => (a.Append, a.Result!))];
            }

            var active = _segments.Count > 0 && !Rolled(_segments[^1], now) ? _segments[^1] : null;
            var head = _head with { NextOffset = next, LastTimestamp = stamp, Producers = producers };
            try
            {
                var etag = await storage.AppendAsync(_id, head, _etag, active?.FirstOffset ?? first, appended);
                _head = head;
                _etag = etag;
                if (active is null)
                {
                    _segments.Add(SegmentInfo.Of(appended));
                }
                else
                {
                    _segments[^1] = active.With(appended);
                }

                _tail.AddRange(appended);
                _tailBytes += appended.Sum(SegmentInfo.SizeOf);
                TrimTail();
                Signal();
                return [.. answers.Select(a => (a.Append, a.Result!))];
            }
            catch (PartitionStorageConflictException) when (attempt == 0)
            {
                // Another activation wrote: decide again on what storage holds now.
                Publish(await storage.LoadAsync(_id, Limits.MemoryWindowBytes));
            }
        }
    }

    public async Task<ReadResult> Read(ReadStart start, int limit, int maxBytes, int waitMs, CancellationToken cancellationToken = default)
    {
        var page = await ReadPage(start, limit, maxBytes, waitMs, cancellationToken);
        metrics.Read(_id.Topic, page.Records.Count, page.LatestOffset - page.NextOffset);
        return page;
    }

    private async Task<ReadResult> ReadPage(ReadStart start, int limit, int maxBytes, int waitMs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        await CheckTopicAsync();
        var from = start switch
        {
            { Offset: { } offset } => offset,
            { Latest: true } => _head.NextOffset,
            { Timestamp: { } at } => await OffsetAtAsync(at, cancellationToken),
            _ => _head.EarliestOffset,
        };
        if (from > _head.NextOffset)
        {
            throw new PlatformValidationException("offset", $"is past the end of partition {_id.Index} of topic '{_id.Topic}' ({_head.NextOffset})");
        }

        var deadline = time.GetUtcNow() + TimeSpan.FromMilliseconds(Math.Clamp(waitMs, 0, Limits.MaxWaitMs));
        while (true)
        {
            var signal = _appended;
            var page = await PageAsync(from, limit, maxBytes, cancellationToken);
            var left = deadline - time.GetUtcNow();
            if (page.Records.Count > 0 || left <= TimeSpan.Zero || _head.Dropped)
            {
                return page;
            }

            try
            {
                await signal.Task.WaitAsync(left, time, cancellationToken);
            }
            catch (TimeoutException)
            {
                return await PageAsync(from, limit, maxBytes, cancellationToken);
            }
        }
    }

    public async Task<PartitionOffsets> Offsets()
    {
        await CheckTopicAsync();
        return new PartitionOffsets(_id.Index, _head.EarliestOffset, _head.NextOffset, silo.SiloAddress.ToParsableString());
    }

    public async Task Drop()
    {
        await _gate.WaitAsync();
        try
        {
            await storage.DropAsync(_id);
            Publish(await storage.LoadAsync(_id, Limits.MemoryWindowBytes));
            Signal();
        }
        finally
        {
            _gate.Release();
        }

        DeactivateOnIdle();
    }

    /// <summary>
    /// A page from <paramref name="from"/>: from the in-memory window when it starts there, else from storage (up to
    /// the window), read again when a compaction rewrote segments while it was read.
    /// </summary>
    private async Task<ReadResult> PageAsync(long from, int limit, int maxBytes, CancellationToken cancellationToken)
    {
        var begin = Math.Max(from, _head.EarliestOffset);
        for (var attempt = 0; begin < _tailStart; attempt++)
        {
            var rewrites = _rewrites;
            var segment = SegmentOf(begin);
            var stored = await storage.ReadAsync(_id, segment, begin, _tailStart, limit, maxBytes, cancellationToken);
            if (rewrites != _rewrites && attempt < 3)
            {
                continue;
            }

            begin = Math.Max(begin, _head.EarliestOffset);
            if (stored.Count > 0 && stored[^1].Offset >= begin)
            {
                var items = stored.Where(r => r.Offset >= begin).ToList();
                return new ReadResult { Records = items, NextOffset = items[^1].Offset + 1, EarliestOffset = _head.EarliestOffset, LatestOffset = _head.NextOffset };
            }

            // Nothing stored between here and the window (compacted away or deleted): go on from the window.
            begin = Math.Max(begin, _tailStart);
        }

        return TailPage(begin, limit, maxBytes);
    }

    private ReadResult TailPage(long begin, int limit, int maxBytes)
    {
        var records = _tail;
        var head = _head;
        begin = Math.Max(begin, head.EarliestOffset);
        var items = new List<LogRecord>();
        var bytes = 0L;
        for (var i = FirstAtOrAfter(records, begin); i < records.Count && items.Count < limit; i++)
        {
            bytes += records[i].Value?.Length ?? 0;
            if (items.Count > 0 && bytes > maxBytes)
            {
                break;
            }

            items.Add(records[i]);
        }

        var next = items.Count > 0 ? items[^1].Offset + 1 : begin;
        return new ReadResult { Records = items, NextOffset = next, EarliestOffset = head.EarliestOffset, LatestOffset = head.NextOffset };
    }

    private static int FirstAtOrAfter(List<LogRecord> records, long offset)
    {
        int lo = 0, hi = records.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (records[mid].Offset < offset)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>The first offset of the segment holding <paramref name="offset"/> (or of the first segment).</summary>
    private long SegmentOf(long offset)
    {
        var segments = _segments;
        var found = segments.Count > 0 ? segments[0].FirstOffset : offset;
        foreach (var segment in segments)
        {
            if (segment.FirstOffset > offset)
            {
                break;
            }

            found = segment.FirstOffset;
        }

        return found;
    }

    /// <summary>The first offset whose record is at or after <paramref name="at"/> (timestamps never decrease), or the end.</summary>
    private async Task<long> OffsetAtAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        foreach (var segment in _segments.Where(s => s.LastTimestamp >= at && s.LastOffset >= _head.EarliestOffset))
        {
            for (var from = Math.Max(segment.FirstOffset, _head.EarliestOffset); from <= segment.LastOffset;)
            {
                var page = await PageAsync(from, Limits.MaxReadLimit, int.MaxValue, cancellationToken);
                if (page.Records.Count == 0)
                {
                    break;
                }

                if (page.Records.FirstOrDefault(r => r.Timestamp >= at) is { } hit)
                {
                    return hit.Offset;
                }

                from = page.NextOffset;
            }
        }

        return _head.NextOffset;
    }

    private bool Rolled(SegmentInfo segment, DateTimeOffset now) =>
        segment.Bytes >= Limits.SegmentBytes || now - segment.FirstTimestamp >= TimeSpan.FromMilliseconds(Limits.SegmentMs);

    /// <summary>
    /// Drops the oldest records from memory once the window holds a quarter more than
    /// <see cref="EventLogOptions.MemoryWindowBytes"/>, down to that size (always keeping the last record); a read below
    /// <see cref="_tailStart"/> goes to storage.
    /// </summary>
    private void TrimTail()
    {
        var window = Limits.MemoryWindowBytes;
        if (_tailBytes <= window + (window / 4) || _tail.Count <= 1)
        {
            return;
        }

        var drop = 0;
        var bytes = _tailBytes;
        while (drop < _tail.Count - 1 && bytes > window)
        {
            bytes -= SegmentInfo.SizeOf(_tail[drop]);
            drop++;
        }

        _tailStart = _tail[drop - 1].Offset + 1;
        _tail.RemoveRange(0, drop);
        _tailBytes = bytes;
    }

    /// <summary>Retention, then (for <c>compact</c> topics) compaction; one pass at a time, on the cleanup timer.</summary>
    private async Task CleanAsync(CancellationToken cancellationToken)
    {
        if (_cleaning || _head.Dropped)
        {
            return;
        }

        _cleaning = true;
        try
        {
            TopicInfo topic;
            try
            {
                topic = await CheckTopicAsync();
            }
            catch (TopicGoneException)
            {
                return;
            }

            await RetainAsync(topic.Spec);
            if (topic.Spec.Cleanup == TopicCleanup.Compact)
            {
                await CompactAsync(cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCleanupFailed(ex, _id.Key);
        }
        finally
        {
            _cleaning = false;
        }
    }

    private async Task RetainAsync(TopicSpec spec)
    {
        if (PartitionCleanup.ExpiredSegments(_segments, spec, time.GetUtcNow()) == 0)
        {
            return;
        }

        await _gate.WaitAsync();
        try
        {
            var expired = PartitionCleanup.ExpiredSegments(_segments, spec, time.GetUtcNow());
            if (expired == 0 || _etag is null)
            {
                return;
            }

            var earliest = expired < _segments.Count ? _segments[expired].FirstOffset : _head.NextOffset;
            var head = _head with { EarliestOffset = earliest };
            try
            {
                _etag = await storage.TruncateAsync(_id, head, _etag);
                _head = head;
                _segments = _segments.GetRange(expired, _segments.Count - expired);
                var drop = FirstAtOrAfter(_tail, earliest);
                _tailBytes -= _tail.Take(drop).Sum(SegmentInfo.SizeOf);
                _tail = _tail.GetRange(drop, _tail.Count - drop);
                _tailStart = Math.Max(_tailStart, earliest);
                Signal();
            }
            catch (PartitionStorageConflictException)
            {
                Publish(await storage.LoadAsync(_id, Limits.MemoryWindowBytes));
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Once a segment closed since the last pass (or a kept tombstone came due), maps each key to its latest offset (up
    /// to <see cref="EventLogOptions.MaxCompactionKeys"/> keys), then rewrites every closed segment the map covers, in
    /// offset order, keeping what <see cref="PartitionCleanup.Keep"/> keeps. Segments are rewritten oldest first, so a
    /// tombstone is dropped only after the older records of its key were.
    /// </summary>
    private async Task CompactAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_segments.Count < 2 || (_segments[^2].LastOffset <= _compactedTo && now < _tombstonesDue))
        {
            return;
        }

        var end = _head.NextOffset;
        var latest = new Dictionary<string, long>(StringComparer.Ordinal);
        var tombstones = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var mappedTo = _head.EarliestOffset;
        for (var from = mappedTo; from < end;)
        {
            var page = await PageAsync(from, Limits.MaxReadLimit, int.MaxValue, cancellationToken);
            var full = false;
            foreach (var record in page.Records.Where(r => r.Offset < end))
            {
                if (record.Key is not null)
                {
                    if (!latest.ContainsKey(record.Key) && latest.Count >= Limits.MaxCompactionKeys)
                    {
                        full = true;
                        break;
                    }

                    latest[record.Key] = record.Offset;
                    if (record.Value is null)
                    {
                        tombstones[record.Key] = record.Timestamp;
                    }
                    else
                    {
                        tombstones.Remove(record.Key);
                    }
                }

                mappedTo = record.Offset + 1;
            }

            if (full || page.Records.Count == 0)
            {
                break;
            }

            from = page.NextOffset;
        }

        var deleteRetention = TimeSpan.FromMilliseconds(Limits.DeleteRetentionMs);
        var closed = _segments.Take(_segments.Count - 1).Where(s => s.LastOffset < mappedTo).ToList();
        foreach (var segment in closed)
        {
            var compacted = await storage.CompactAsync(_id, segment, r => PartitionCleanup.Keep(r, latest, now, deleteRetention), cancellationToken);
            _rewrites++;
            var index = _segments.FindIndex(s => s.FirstOffset == segment.FirstOffset);
            if (index >= 0)
            {
                _segments[index] = _segments[index] with { Bytes = compacted.Bytes };
            }

            var removed = _tail.RemoveAll(r => r.Offset >= segment.FirstOffset && r.Offset <= segment.LastOffset && !PartitionCleanup.Keep(r, latest, now, deleteRetention));
            if (removed > 0)
            {
                _tailBytes = _tail.Sum(SegmentInfo.SizeOf);
            }
        }

        // A kept tombstone in a compacted segment comes due at its time plus the delete retention: compact again then.
        var closedEnd = closed.Count > 0 ? closed[^1].LastOffset : -1;
        var due = tombstones
            .Where(t => latest[t.Key] <= closedEnd && t.Value + deleteRetention > now)
            .Select(t => t.Value + deleteRetention)
            .DefaultIfEmpty(DateTimeOffset.MaxValue)
            .Min();
        _compactedTo = closedEnd;
        _tombstonesDue = due;
    }

    /// <summary>The topic this partition belongs to; <see cref="TopicGoneException"/> when its generation or index is not (or no longer) the topic's.</summary>
    private async Task<TopicInfo> CheckTopicAsync()
    {
        if (_topic is { } known && known.Spec.Partitions > _id.Index && !_head.Dropped)
        {
            return known;
        }

        var topic = await GrainFactory.GetGrain<ITopicGrain>(_id.Topic).Get();
        if (topic is null || topic.Generation != _id.Generation || topic.Spec.Partitions <= _id.Index || _head.Dropped)
        {
            throw new TopicGoneException($"Partition {_id.Index} of topic '{_id.Topic}' (generation {_id.Generation}) does not exist.");
        }

        _topic = topic;
        return topic;
    }

    private void Publish(StoredPartition stored)
    {
        _head = stored.Head;
        _etag = stored.ETag;
        _segments = [.. stored.Segments];
        _tail = [.. stored.Tail];
        _tailStart = stored.TailStart;
        _tailBytes = _tail.Sum(SegmentInfo.SizeOf);
        _rewrites++;
        TrimTail();
    }

    private void Signal()
    {
        var signal = _appended;
        _appended = NewSignal();
        signal.TrySetResult();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cleanup of partition {Partition} failed; the next pass tries again")]
    private partial void LogCleanupFailed(Exception exception, string partition);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
