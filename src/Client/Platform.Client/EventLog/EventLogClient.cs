using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Microsoft.Extensions.Options;
using Platform.Errors;
using Platform.Sharding;
using Platform.Validation;

namespace Platform.EventLog;

/// <summary>
/// The one path to the event log's grains for .NET callers and the HTTP host: input checks against
/// <see cref="EventLogOptions"/>, topic views cached for <see cref="TopicCacheTime"/> (and refreshed at once when a
/// partition answers that its generation is gone), partitioning on the key-value store's ring, and the grain calls.
/// </summary>
internal sealed class EventLogClient(IGrainFactory grains, IOptions<EventLogOptions> options, HashRingCache rings, TimeProvider time) : IEventLog
{
    /// <summary>How long a topic view is used before it is read again: a grown topic is seen by producers within it.</summary>
    public static readonly TimeSpan TopicCacheTime = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, (TopicInfo Topic, DateTimeOffset Until)> _topics = new(StringComparer.Ordinal);
    private int _roundRobin;
    private int _shareCursor;

    private EventLogOptions Limits => options.Value;

    public async Task<(TopicInfo Topic, bool Created)> CreateTopicAsync(string topic, TopicSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Checks.Name(topic, "topic");
        var partitions = settings.Partitions ?? Limits.DefaultPartitions;
        if (partitions < 1 || partitions > Limits.MaxPartitions)
        {
            throw new PlatformValidationException("partitions", $"must be between 1 and {Limits.MaxPartitions} (got {partitions}) ({EventLogOptions.SectionName}:MaxPartitions)");
        }

        var maxRecordBytes = settings.MaxRecordBytes ?? Limits.MaxRecordBytes;
        if (maxRecordBytes < 1 || maxRecordBytes > Limits.MaxRecordBytes)
        {
            throw new PlatformValidationException("maxRecordBytes", $"must be between 1 and {Limits.MaxRecordBytes} (got {maxRecordBytes}) ({EventLogOptions.SectionName}:MaxRecordBytes)");
        }

        if (settings.RetentionMs is < 1)
        {
            throw new PlatformValidationException("retention.ms", $"must be at least 1 (got {settings.RetentionMs})");
        }

        if (settings.RetentionBytes is < 1)
        {
            throw new PlatformValidationException("retention.bytes", $"must be at least 1 (got {settings.RetentionBytes})");
        }

        var spec = new TopicSpec
        {
            Partitions = partitions,
            RetentionMs = settings.RetentionMs,
            RetentionBytes = settings.RetentionBytes,
            Cleanup = settings.Cleanup,
            MaxRecordBytes = maxRecordBytes,
        };
        var result = await grains.GetGrain<ITopicGrain>(topic).Create(spec).WaitAsync(cancellationToken);
        _topics.TryRemove(topic, out _);
        return (result.Topic, result.Created);
    }

    public Task<TopicInfo?> GetTopicAsync(string topic, CancellationToken cancellationToken = default)
    {
        Checks.Name(topic, "topic");
        return grains.GetGrain<ITopicGrain>(topic).Get().WaitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<PartitionOffsets>> GetOffsetsAsync(string topic, CancellationToken cancellationToken = default)
    {
        var info = await TopicAsync(topic, fresh: true, cancellationToken);
        return await Task.WhenAll(Enumerable.Range(0, info.Spec.Partitions).Select(p => Partition(info, p).Offsets().WaitAsync(cancellationToken)));
    }

    public async Task<TopicPage> ListTopicsAsync(int? limit = null, string? continuationToken = null, CancellationToken cancellationToken = default)
    {
        var size = Checks.PageSize(limit, 100, 1000);
        string? after = null;
        if (continuationToken is not null)
        {
            Checks.Name(continuationToken, "continuationToken");
            after = continuationToken;
        }

        var names = await grains.GetGrain<ITopicCatalogGrain>(ITopicCatalogGrain.Key).List(after, size + 1).WaitAsync(cancellationToken);
        return names.Count > size ? new TopicPage([.. names.Take(size)], names[size - 1]) : new TopicPage(names, null);
    }

    public async Task<bool> DeleteTopicAsync(string topic, CancellationToken cancellationToken = default)
    {
        Checks.Name(topic, "topic");
        var deleted = await grains.GetGrain<ITopicGrain>(topic).Delete().WaitAsync(cancellationToken);
        _topics.TryRemove(topic, out _);
        return deleted;
    }

    public async Task<TopicInfo> AddPartitionsAsync(string topic, int partitions, CancellationToken cancellationToken = default)
    {
        Checks.Name(topic, "topic");
        if (partitions < 1 || partitions > Limits.MaxPartitions)
        {
            throw new PlatformValidationException("partitions", $"must be between 1 and {Limits.MaxPartitions} (got {partitions}) ({EventLogOptions.SectionName}:MaxPartitions)");
        }

        var info = await grains.GetGrain<ITopicGrain>(topic).AddPartitions(partitions).WaitAsync(cancellationToken);
        _topics[topic] = (info, time.GetUtcNow() + TopicCacheTime);
        return info;
    }

    public async Task<ProduceResult> ProduceAsync(string topic, IReadOnlyList<ProduceRecord> records, ProducerIdentity? producer = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        Checks.Name(topic, "topic");
        CheckRecords(records, producer);
        for (var attempt = 0; ; attempt++)
        {
            var info = await TopicAsync(topic, fresh: attempt > 0, cancellationToken);
            try
            {
                return await ProduceOnceAsync(info, records, producer, cancellationToken);
            }
            catch (TopicGoneException) when (attempt == 0)
            {
                _topics.TryRemove(topic, out _);
            }
        }
    }

    public async Task<ReadResult> ReadAsync(string topic, int partition, ReadStart start, int? limit = null, int waitMs = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        Checks.Name(topic, "topic");
        var size = Checks.PageSize(limit, Limits.DefaultReadLimit, Limits.MaxReadLimit);
        if (waitMs < 0 || waitMs > Limits.MaxWaitMs)
        {
            throw new PlatformValidationException("waitMs", $"must be between 0 and {Limits.MaxWaitMs} (got {waitMs}) ({EventLogOptions.SectionName}:MaxWaitMs)");
        }

        if (start.Offset is < 0)
        {
            throw new PlatformValidationException("offset", $"must not be negative (got {start.Offset})");
        }

        for (var attempt = 0; ; attempt++)
        {
            var info = await TopicAsync(topic, fresh: attempt > 0, cancellationToken);
            CheckPartition(info, partition, "partition");
            try
            {
                return await Partition(info, partition).Read(start, size, Limits.MaxReadBytes, waitMs, cancellationToken);
            }
            catch (TopicGoneException) when (attempt == 0)
            {
                _topics.TryRemove(topic, out _);
            }
        }
    }

    public async Task<GroupJoinResult> JoinGroupAsync(string group, GroupJoinRequest request, int waitMs = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Checks.Name(group, "group");
        if (request.Topics is null || request.Topics.Count == 0 || request.Topics.Count > Limits.MaxTopicsPerMember)
        {
            throw new PlatformValidationException("topics", $"must name 1 to {Limits.MaxTopicsPerMember} topics (got {request.Topics?.Count ?? 0}) ({EventLogOptions.SectionName}:MaxTopicsPerMember)");
        }

        for (var i = 0; i < request.Topics.Count; i++)
        {
            Checks.Name(request.Topics[i], $"topics[{i}]");
        }

        if (request.Topics.Distinct(StringComparer.Ordinal).Count() != request.Topics.Count)
        {
            throw new PlatformValidationException("topics", "must not name a topic twice");
        }

        if (request.MemberId is not null)
        {
            Checks.Name(request.MemberId, "memberId");
        }

        if (request.InstanceId is not null)
        {
            Checks.Name(request.InstanceId, "instanceId");
        }

        if (request.SessionTimeoutMs < Limits.MinSessionTimeoutMs || request.SessionTimeoutMs > Limits.MaxSessionTimeoutMs)
        {
            throw new PlatformValidationException("sessionTimeoutMs", $"must be between {Limits.MinSessionTimeoutMs} and {Limits.MaxSessionTimeoutMs} (got {request.SessionTimeoutMs})");
        }

        if (waitMs < 0 || waitMs > Limits.MaxWaitMs)
        {
            throw new PlatformValidationException("waitMs", $"must be between 0 and {Limits.MaxWaitMs} (got {waitMs}) ({EventLogOptions.SectionName}:MaxWaitMs)");
        }

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var topic in request.Topics)
        {
            counts[topic] = (await TopicAsync(topic, fresh: true, cancellationToken)).Spec.Partitions;
        }

        var grain = grains.GetGrain<IConsumerGroupGrain>(group);
        var joined = await grain.Join(request with { Topics = [.. request.Topics] }, counts).WaitAsync(cancellationToken);
        return joined.Rebalancing && waitMs > 0 ? await grain.AwaitSettled(joined.MemberId, waitMs, cancellationToken) : joined;
    }

    public Task<GroupHeartbeatResult> HeartbeatAsync(string group, string memberId, long generation, CancellationToken cancellationToken = default)
    {
        Checks.Name(group, "group");
        Checks.Name(memberId, "memberId");
        return grains.GetGrain<IConsumerGroupGrain>(group).Heartbeat(memberId, generation).WaitAsync(cancellationToken);
    }

    public Task<bool> LeaveGroupAsync(string group, string memberId, CancellationToken cancellationToken = default)
    {
        Checks.Name(group, "group");
        Checks.Name(memberId, "memberId");
        return grains.GetGrain<IConsumerGroupGrain>(group).Leave(memberId).WaitAsync(cancellationToken);
    }

    public Task CommitAsync(string group, string memberId, long generation, IReadOnlyList<OffsetCommit> offsets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        Checks.Name(group, "group");
        Checks.Name(memberId, "memberId");
        if (offsets.Count == 0 || offsets.Count > Limits.MaxPartitions)
        {
            throw new PlatformValidationException("offsets", $"must hold 1 to {Limits.MaxPartitions} entries (got {offsets.Count})");
        }

        var seen = new HashSet<(string, int)>();
        for (var i = 0; i < offsets.Count; i++)
        {
            var offset = offsets[i] ?? throw new PlatformValidationException($"offsets[{i}]", "must not be null");
            Checks.Name(offset.Topic, $"offsets[{i}].topic");
            if (offset.Partition < 0)
            {
                throw new PlatformValidationException($"offsets[{i}].partition", $"must not be negative (got {offset.Partition})");
            }

            if (offset.Offset < 0)
            {
                throw new PlatformValidationException($"offsets[{i}].offset", $"must not be negative (got {offset.Offset})");
            }

            if (!seen.Add((offset.Topic, offset.Partition)))
            {
                throw new PlatformValidationException($"offsets[{i}]", $"names {offset.Topic}/{offset.Partition} a second time");
            }
        }

        return grains.GetGrain<IConsumerGroupGrain>(group).Commit(memberId, generation, offsets).WaitAsync(cancellationToken);
    }

    public async Task<GroupDescription> DescribeGroupAsync(string group, CancellationToken cancellationToken = default)
    {
        Checks.Name(group, "group");
        var view = await grains.GetGrain<IConsumerGroupGrain>(group).Describe().WaitAsync(cancellationToken);
        if (view.Empty)
        {
            throw new PlatformNotFoundException($"Group '{group}' does not exist (no member ever joined it).");
        }

        var committed = view.Offsets.ToDictionary(o => new TopicPartition(o.Topic, o.Partition), o => o.Offset);
        var holders = view.Members.SelectMany(m => m.Assignment.Select(p => (p, m.MemberId))).ToDictionary(x => x.p, x => x.MemberId);
        var topics = view.Members.SelectMany(m => m.Topics).Concat(view.Offsets.Select(o => o.Topic)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var lags = new List<PartitionLag>();
        foreach (var topic in topics)
        {
            var info = await grains.GetGrain<ITopicGrain>(topic).Get().WaitAsync(cancellationToken);
            if (info is null)
            {
                continue;
            }

            var offsets = await Task.WhenAll(Enumerable.Range(0, info.Spec.Partitions).Select(p => Partition(info, p).Offsets().WaitAsync(cancellationToken)));
            foreach (var partition in offsets)
            {
                var key = new TopicPartition(topic, partition.Partition);
                long? done = committed.TryGetValue(key, out var c) ? c : null;
                var lag = Math.Max(0, partition.Latest - Math.Max(done ?? partition.Earliest, partition.Earliest));
                lags.Add(new PartitionLag(topic, partition.Partition, done, partition.Earliest, partition.Latest, lag, holders.GetValueOrDefault(key)));
            }
        }

        return new GroupDescription(view, lags);
    }

    public async Task<IReadOnlyList<ShareLease>> FetchAsync(string topic, string group, ShareFetchOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ShareFetchOptions();
        CheckShare(topic, group);
        var max = options.Max ?? Limits.DefaultShareFetchRecords;
        if (max < 1 || max > Limits.MaxShareFetchRecords)
        {
            throw new PlatformValidationException("max", $"must be between 1 and {Limits.MaxShareFetchRecords} (got {max}) ({EventLogOptions.SectionName}:MaxShareFetchRecords)");
        }

        var visibilityMs = options.VisibilityMs ?? Limits.DefaultVisibilityMs;
        if (visibilityMs < Limits.MinVisibilityMs || visibilityMs > Limits.MaxVisibilityMs)
        {
            throw new PlatformValidationException("visibilityMs", $"must be between {Limits.MinVisibilityMs} and {Limits.MaxVisibilityMs} (got {visibilityMs}) ({EventLogOptions.SectionName}:MinVisibilityMs, MaxVisibilityMs)");
        }

        if (options.WaitMs < 0 || options.WaitMs > Limits.MaxWaitMs)
        {
            throw new PlatformValidationException("waitMs", $"must be between 0 and {Limits.MaxWaitMs} (got {options.WaitMs}) ({EventLogOptions.SectionName}:MaxWaitMs)");
        }

        for (var attempt = 0; ; attempt++)
        {
            var info = await TopicAsync(topic, fresh: attempt > 0, cancellationToken);
            try
            {
                return await FetchOnceAsync(info, group, options.Partition, max, visibilityMs, options.WaitMs, cancellationToken);
            }
            catch (TopicGoneException) when (attempt == 0)
            {
                _topics.TryRemove(topic, out _);
            }
        }
    }

    public Task<IReadOnlyList<ShareSettleResult>> AckAsync(string topic, string group, IReadOnlyList<string> leaseIds, CancellationToken cancellationToken = default) =>
        SettleAsync(ShareSettle.Ack, topic, group, leaseIds, cancellationToken);

    public Task<IReadOnlyList<ShareSettleResult>> NackAsync(string topic, string group, IReadOnlyList<string> leaseIds, CancellationToken cancellationToken = default) =>
        SettleAsync(ShareSettle.Nack, topic, group, leaseIds, cancellationToken);

    public Task<IReadOnlyList<ShareSettleResult>> ReleaseAsync(string topic, string group, IReadOnlyList<string> leaseIds, CancellationToken cancellationToken = default) =>
        SettleAsync(ShareSettle.Release, topic, group, leaseIds, cancellationToken);

    public async Task<ShareGroupDescription> DescribeShareGroupAsync(string topic, string group, CancellationToken cancellationToken = default)
    {
        CheckShare(topic, group);
        var info = await TopicAsync(topic, fresh: true, cancellationToken);
        var views = await Task.WhenAll(Enumerable.Range(0, info.Spec.Partitions).Select(p => Share(info, group, p).Describe().WaitAsync(cancellationToken)));
        return new ShareGroupDescription(topic, group, Limits.DeadLetterTopicFor(topic), Limits.ShareMaxDeliveries, views);
    }

    /// <summary>
    /// One partition: its grain's own long poll. Every partition: a pass over them from a rotating start (so no
    /// partition starves), and when that leased nothing, a wait on all of them for the first that has something
    /// (leasing nothing while waiting), then another pass.
    /// </summary>
    private async Task<IReadOnlyList<ShareLease>> FetchOnceAsync(TopicInfo info, string group, int? partition, int max, int visibilityMs, int waitMs, CancellationToken cancellationToken)
    {
        if (partition is { } only)
        {
            CheckPartition(info, only, "partition");
            return await Share(info, group, only).Fetch(max, visibilityMs, waitMs, cancellationToken);
        }

        var count = info.Spec.Partitions;
        if (count == 1)
        {
            return await Share(info, group, 0).Fetch(max, visibilityMs, waitMs, cancellationToken);
        }

        var deadline = time.GetUtcNow() + TimeSpan.FromMilliseconds(waitMs);
        while (true)
        {
            var first = (int)((uint)Interlocked.Increment(ref _shareCursor) % (uint)count);
            var leases = new List<ShareLease>();
            for (var i = 0; i < count && leases.Count < max; i++)
            {
                leases.AddRange(await Share(info, group, (first + i) % count).Fetch(max - leases.Count, visibilityMs, 0, cancellationToken));
            }

            var left = deadline - time.GetUtcNow();
            if (leases.Count > 0 || left <= TimeSpan.Zero)
            {
                return leases;
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var leftMs = (int)Math.Clamp(Math.Ceiling(left.TotalMilliseconds), 1, Limits.MaxWaitMs);
            var waits = Enumerable.Range(0, count).Select(p => WaitAvailableAsync(Share(info, group, p), leftMs, stop.Token)).ToList();
            var woke = await Task.WhenAny(waits);
            await stop.CancelAsync();
            if (!await woke)
            {
                return leases;
            }
        }

        // The waits that lose are cancelled: that is their normal end, not a failure to surface.
        static async Task<bool> WaitAvailableAsync(IShareGroupGrain share, int waitMs, CancellationToken cancellationToken)
        {
            try
            {
                return await share.WaitAvailable(waitMs, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return false;
            }
        }
    }

    private async Task<IReadOnlyList<ShareSettleResult>> SettleAsync(ShareSettle settle, string topic, string group, IReadOnlyList<string> leaseIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leaseIds);
        CheckShare(topic, group);
        if (leaseIds.Count == 0 || leaseIds.Count > Limits.MaxShareFetchRecords)
        {
            throw new PlatformValidationException("leaseIds", $"must hold 1 to {Limits.MaxShareFetchRecords} lease ids (got {leaseIds.Count}) ({EventLogOptions.SectionName}:MaxShareFetchRecords)");
        }

        var parsed = new ShareLeaseId[leaseIds.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < leaseIds.Count; i++)
        {
            if (leaseIds[i] is { } repeated && !seen.Add(repeated))
            {
                throw new PlatformValidationException($"leaseIds[{i}]", $"names lease '{repeated}' a second time");
            }

            if (!ShareLeaseId.TryParse(leaseIds[i], out parsed[i]))
            {
                var text = leaseIds[i];
                throw new PlatformValidationException($"leaseIds[{i}]", text is null
                    ? "must not be null"
                    : $"is not a lease id (generation.partition.offset.delivery.nonce, at most {ShareLeaseId.MaxChars} characters; got '{(text.Length > 40 ? text[..40] + "..." : text)}')");
            }
        }

        var info = await TopicAsync(topic, fresh: false, cancellationToken);
        if (parsed.Any(id => id.Generation != info.Generation || id.Partition >= info.Spec.Partitions))
        {
            info = await TopicAsync(topic, fresh: true, cancellationToken);
        }

        var results = new ShareSettleResult[leaseIds.Count];
        var byPartition = Enumerable.Range(0, leaseIds.Count).GroupBy(i => parsed[i].Generation == info.Generation && parsed[i].Partition < info.Spec.Partitions ? parsed[i].Partition : -1);
        await Task.WhenAll(byPartition.Select(async g =>
        {
            var indexes = g.ToList();
            if (g.Key < 0)
            {
                foreach (var i in indexes)
                {
                    results[i] = new ShareSettleResult(leaseIds[i], ShareSettleStatus.Unknown);
                }

                return;
            }

            var answers = await Share(info, group, g.Key).Settle(settle, [.. indexes.Select(i => leaseIds[i])]).WaitAsync(cancellationToken);
            for (var j = 0; j < indexes.Count; j++)
            {
                results[indexes[j]] = answers[j];
            }
        }));
        return results;
    }

    private void CheckShare(string topic, string group)
    {
        Checks.Name(topic, "topic");
        Checks.Name(group, "group");
        if (NameRules.CheckName(Limits.DeadLetterTopicFor(topic)) is { } why)
        {
            throw new PlatformValidationException("topic", $"gives a dead-letter topic name ({EventLogOptions.SectionName}:ShareDeadLetterTopic) that {why}; share groups need a shorter topic name");
        }
    }

    private IShareGroupGrain Share(TopicInfo info, string group, int index) => grains.GetGrain<IShareGroupGrain>(new ShareGroupId(group, info.Partition(index)).Key);

    private async Task<ProduceResult> ProduceOnceAsync(TopicInfo info, IReadOnlyList<ProduceRecord> records, ProducerIdentity? producer, CancellationToken cancellationToken)
    {
        var partitions = info.Spec.Partitions;
        var ring = rings.For(partitions);
        var sticky = producer is null ? -1 : StickyPartition(producer, partitions);
        var next = producer is null ? Interlocked.Add(ref _roundRobin, records.Count) - records.Count : 0;
        var targets = new int[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var size = record.Size();
            if (size > info.Spec.MaxRecordBytes)
            {
                throw new PlatformPayloadTooLargeException($"records[{i}] is {size} bytes; topic '{info.Name}' allows at most {info.Spec.MaxRecordBytes} (maxRecordBytes).");
            }

            if (record.Partition is { } explicitPartition)
            {
                CheckPartition(info, explicitPartition, $"records[{i}].partition");
                targets[i] = explicitPartition;
            }
            else
            {
                targets[i] = record.Key is not null ? ring.ShardFor(record.Key) : sticky >= 0 ? sticky : (int)((uint)(next + i) % (uint)partitions);
            }
        }

        var groups = Enumerable.Range(0, records.Count).GroupBy(i => targets[i]).ToList();
        var positions = new RecordPosition[records.Count];
        var answers = await Task.WhenAll(groups.Select(async g =>
        {
            var indexes = g.ToList();
            var stamp = producer is null ? null : new ProducerStamp
            {
                ProducerId = producer.ProducerId,
                Epoch = producer.Epoch,
                FirstSequence = producer.Sequence + indexes[0],
                LastSequence = producer.Sequence + indexes[^1],
            };
            var result = await Partition(info, g.Key).Append([.. indexes.Select(i => records[i] with { Partition = null })], stamp).WaitAsync(cancellationToken);
            for (var j = 0; j < indexes.Count; j++)
            {
                positions[indexes[j]] = new RecordPosition(g.Key, result.Offsets[j]);
            }

            return result.Duplicate;
        }));
        return new ProduceResult(positions, answers.All(d => d));
    }

    private void CheckRecords(IReadOnlyList<ProduceRecord> records, ProducerIdentity? producer)
    {
        if (records.Count == 0 || records.Count > Limits.MaxBatchRecords)
        {
            throw new PlatformValidationException("records", $"must hold 1 to {Limits.MaxBatchRecords} records (got {records.Count}) ({EventLogOptions.SectionName}:MaxBatchRecords)");
        }

        long total = 0;
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i] ?? throw new PlatformValidationException($"records[{i}]", "must not be null");
            if (record.Key is not null)
            {
                Checks.Key(record.Key, Limits.MaxKeyBytes, $"records[{i}].key");
            }

            if (record.Partition is < 0)
            {
                throw new PlatformValidationException($"records[{i}].partition", $"must not be negative (got {record.Partition})");
            }

            if (record.Headers is { } headers)
            {
                if (headers.Count > Limits.MaxHeaders)
                {
                    throw new PlatformValidationException($"records[{i}].headers", $"holds {headers.Count} headers; at most {Limits.MaxHeaders} are allowed ({EventLogOptions.SectionName}:MaxHeaders)");
                }

                foreach (var (name, value) in headers)
                {
                    if (string.IsNullOrEmpty(name) || name.Any(char.IsControl) || value is null)
                    {
                        throw new PlatformValidationException($"records[{i}].headers", "names must be non-empty without control characters, and values present");
                    }
                }
            }

            var size = record.Size();
            if (size > Limits.MaxRecordBytes)
            {
                throw new PlatformPayloadTooLargeException($"records[{i}] is {size} bytes; at most {Limits.MaxRecordBytes} are allowed ({EventLogOptions.SectionName}:MaxRecordBytes).");
            }

            total += size;
        }

        if (total > Limits.MaxBatchBytes)
        {
            throw new PlatformPayloadTooLargeException($"The records are {total} bytes together; at most {Limits.MaxBatchBytes} are allowed in one call ({EventLogOptions.SectionName}:MaxBatchBytes).");
        }

        if (producer is not null)
        {
            Checks.Name(producer.ProducerId, "producerId");
            if (producer.Epoch < 0)
            {
                throw new PlatformValidationException("epoch", $"must not be negative (got {producer.Epoch})");
            }

            if (producer.Sequence < 0 || producer.Sequence > long.MaxValue - records.Count)
            {
                throw new PlatformValidationException("sequence", $"must be between 0 and {long.MaxValue - records.Count} (got {producer.Sequence})");
            }
        }
    }

    private static void CheckPartition(TopicInfo info, int partition, string field)
    {
        if (partition < 0 || partition >= info.Spec.Partitions)
        {
            throw new PlatformValidationException(field, $"must be between 0 and {info.Spec.Partitions - 1}: topic '{info.Name}' has {info.Spec.Partitions} partitions (got {partition})");
        }
    }

    /// <summary>The partition every keyless record of an idempotent call goes to: the same on a retry, so a retry is recognised.</summary>
    private static int StickyPartition(ProducerIdentity producer, int partitions) =>
        (int)(XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{producer.ProducerId}/{producer.Epoch}/{producer.Sequence}"))) % (ulong)partitions);

    private IPartitionGrain Partition(TopicInfo info, int index) => grains.GetGrain<IPartitionGrain>(info.Partition(index).Key);

    private async Task<TopicInfo> TopicAsync(string topic, bool fresh, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!fresh && _topics.TryGetValue(topic, out var cached) && cached.Until > now)
        {
            return cached.Topic;
        }

        var info = await grains.GetGrain<ITopicGrain>(topic).Get().WaitAsync(cancellationToken)
            ?? throw new PlatformNotFoundException($"Topic '{topic}' does not exist.");
        _topics[topic] = (info, now + TopicCacheTime);
        return info;
    }
}
