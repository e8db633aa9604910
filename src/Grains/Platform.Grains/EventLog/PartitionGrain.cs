using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Platform.Errors;
using Platform.EventLog.Storage;

namespace Platform.EventLog;

/// <summary>
/// One partition: assigns offsets, keeps the partition's records in memory, and writes every append (records and
/// head with the producer table) to <see cref="IPartitionStorage"/> in one ETag-checked write before answering.
/// </summary>
/// <remarks>
/// [Reentrant] so that long-poll reads wait without holding up appends. Appends and drops run one at a time under
/// <see cref="_gate"/> (an async mutex, never a blocked thread); reads take no gate and answer from the published
/// records, to which an append adds only after its write succeeded (grain turns never run in parallel, so a read's page is
/// taken in one turn). A write that loses its ETag race (another
/// activation wrote) re-loads the partition and decides the append again once on the fresh state, so a stale
/// activation never stores an offset twice and never answers a retry with offsets it did not see.
/// </remarks>
[Reentrant]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The gate lives as long as the activation and holds no wait handle.")]
public sealed class PartitionGrain(IPartitionStorage storage, IOptions<EventLogOptions> options, TimeProvider time, ILocalSiloDetails silo) : Grain, IPartitionGrain
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private PartitionId _id;
    private TopicInfo? _topic;
    private PartitionHead _head = new();
    private string? _etag;
    private List<LogRecord> _records = [];
    private TaskCompletionSource _appended = NewSignal();

    private EventLogOptions Limits => options.Value;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _id = PartitionId.Parse(this.GetPrimaryKeyString());
        Publish(await storage.LoadAsync(_id, cancellationToken));
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

        await _gate.WaitAsync();
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                if (_head.Dropped)
                {
                    throw new TopicGoneException($"Partition {_id.Index} of topic '{_id.Topic}' (generation {_id.Generation}) was deleted.");
                }

                if (producer is not null && ProducerTable.FindDuplicate(_head.Producers, producer) is { } stored)
                {
                    return new AppendResult { Offsets = [.. Enumerable.Range(0, stored.Count).Select(i => stored.FirstOffset + i)], Duplicate = true };
                }

                var now = time.GetUtcNow();
                var stamp = now < _head.LastTimestamp ? _head.LastTimestamp : now;
                var first = _head.NextOffset;
                var appended = records.Select((r, i) => new LogRecord { Offset = first + i, Key = r.Key, Value = r.Value, Headers = r.Headers, Timestamp = stamp }).ToList();
                var head = _head with
                {
                    NextOffset = first + records.Count,
                    LastTimestamp = stamp,
                    Producers = producer is null ? _head.Producers : ProducerTable.Record(_head.Producers, producer, first, records.Count, now, Limits.MaxProducersPerPartition),
                };
                try
                {
                    var etag = await storage.AppendAsync(_id, head, _etag, appended);
                    _head = head;
                    _etag = etag;
                    _records.AddRange(appended);
                    Signal();
                    return new AppendResult { Offsets = [.. appended.Select(r => r.Offset)] };
                }
                catch (PartitionStorageConflictException) when (attempt == 0)
                {
                    // Another activation wrote: decide again on what storage holds now.
                    Publish(await storage.LoadAsync(_id));
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<ReadResult> Read(ReadStart start, int limit, int maxBytes, int waitMs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        await CheckTopicAsync();
        var from = start switch
        {
            { Offset: { } offset } => offset,
            { Latest: true } => _head.NextOffset,
            { Timestamp: { } at } => OffsetAt(at),
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
            var page = Page(from, limit, maxBytes);
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
                return Page(from, limit, maxBytes);
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
            Publish(await storage.LoadAsync(_id));
            Signal();
        }
        finally
        {
            _gate.Release();
        }

        DeactivateOnIdle();
    }

    private ReadResult Page(long from, int limit, int maxBytes)
    {
        var records = _records;
        var head = _head;
        var begin = Math.Max(from, head.EarliestOffset);
        var items = new List<LogRecord>();
        var bytes = 0L;
        if (records.Count > 0)
        {
            var index = (int)Math.Max(0, begin - records[0].Offset);
            for (var i = index; i < records.Count && items.Count < limit; i++)
            {
                bytes += records[i].Value?.Length ?? 0;
                if (items.Count > 0 && bytes > maxBytes)
                {
                    break;
                }

                items.Add(records[i]);
            }
        }

        var next = items.Count > 0 ? items[^1].Offset + 1 : Math.Max(begin, head.EarliestOffset);
        return new ReadResult { Records = items, NextOffset = next, EarliestOffset = head.EarliestOffset, LatestOffset = head.NextOffset };
    }

    /// <summary>The first offset whose record is at or after <paramref name="at"/> (timestamps never decrease), or the end.</summary>
    private long OffsetAt(DateTimeOffset at)
    {
        var records = _records;
        int lo = 0, hi = records.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (records[mid].Timestamp < at)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo < records.Count ? records[lo].Offset : _head.NextOffset;
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
        _records = [.. stored.Records];
    }

    private void Signal()
    {
        var signal = _appended;
        _appended = NewSignal();
        signal.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
