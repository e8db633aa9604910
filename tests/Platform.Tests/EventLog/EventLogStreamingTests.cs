using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Platform.EventLog;
using Platform.Testing.Waiting;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.EventLog;

/// <summary>
/// The typed client's streaming side on the shared two-silo cluster: the batching idempotent producer and group
/// consumers as <see cref="IAsyncEnumerable{T}"/> with explicit commits.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class EventLogStreamingTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private IEventLog Log => fixture.Service<IEventLog>();

    private static string NewName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private async Task<string> TopicAsync(int partitions)
    {
        var topic = NewName("s");
        await Log.CreateTopicAsync(topic, new TopicSettings { Partitions = partitions });
        return topic;
    }

    private static ProduceRecord Record(string key, int seq) =>
        new() { Key = key, Value = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{key}:{seq}")) };

    private async Task<List<LogRecord>> ReadAllAsync(string topic, int partitions)
    {
        var all = new List<LogRecord>();
        for (var p = 0; p < partitions; p++)
        {
            for (long offset = 0; ;)
            {
                var page = await Log.ReadAsync(topic, p, ReadStart.At(offset), limit: 1000);
                all.AddRange(page.Records);
                if (page.NextOffset >= page.LatestOffset)
                {
                    break;
                }

                offset = page.NextOffset;
            }
        }

        return all;
    }

    /// <summary>Records sent without waiting are stored once each, in send order per key, at the positions their tasks answered.</summary>
    [Fact]
    public async Task Producer_StoresEveryRecordOnce_InSendOrderPerKey()
    {
        var topic = await TopicAsync(4);
        List<RecordPosition> positions;
        await using (var producer = Log.CreateProducer(topic))
        {
            var sends = Enumerable.Range(0, 400).Select(i => producer.SendAsync(Record($"k{i % 10}", i / 10))).ToList();
            positions = [.. await Task.WhenAll(sends)];
        }

        var stored = await ReadAllAsync(topic, 4);
        Assert.Equal(400, stored.Count);
        Assert.Equal(400, positions.Distinct().Count());
        foreach (var key in stored.GroupBy(r => r.Key))
        {
            var seqs = key.OrderBy(r => r.Offset).Select(r => int.Parse(Encoding.UTF8.GetString(r.Value!).Split(':')[1], CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(Enumerable.Range(0, 40), seqs);
        }
    }

    /// <summary>A batch whose answer was lost after it was stored is re-sent with its sequence and stored once.</summary>
    [Fact]
    public async Task Producer_ResendsABatchWhoseAnswerWasLost_AndItIsStoredOnce()
    {
        var topic = await TopicAsync(2);
        var log = new AnswerLosingLog(Log, losses: 2);
        await using (var producer = new EventLogProducer(log, topic, new EventLogProducerOptions { MaxBatchRecords = 10 }))
        {
            await Task.WhenAll(Enumerable.Range(0, 50).Select(i => producer.SendAsync(Record($"k{i % 5}", i / 5))));
        }

        Assert.Equal(2, log.Lost);
        var stored = await ReadAllAsync(topic, 2);
        Assert.Equal(50, stored.Count);
        Assert.Equal(50, stored.Select(r => Encoding.UTF8.GetString(r.Value!)).Distinct().Count());
    }

    /// <summary>A member that committed and left hands its partitions to the next member, which starts after the commit.</summary>
    [Fact]
    public async Task Consumer_NextMemberStartsAtTheCommittedOffsets()
    {
        var topic = await TopicAsync(2);
        var group = NewName("g");
        await using (var producer = Log.CreateProducer(topic))
        {
            await Task.WhenAll(Enumerable.Range(0, 40).Select(i => producer.SendAsync(Record($"k{i % 4}", i / 4))));
        }

        var first = new List<string>();
        await using (var a = Log.CreateConsumer(group, [topic], new EventLogConsumerOptions { SessionTimeoutMs = 3_000 }))
        {
            using var cts = new CancellationTokenSource(Patience);
            await foreach (var r in a.ConsumeAsync(cts.Token))
            {
                first.Add(Encoding.UTF8.GetString(r.Record.Value!));
                if (first.Count == 15)
                {
                    await a.CommitAsync(cts.Token);
                    break;
                }
            }
        }

        var rest = new List<string>();
        await using (var b = Log.CreateConsumer(group, [topic], new EventLogConsumerOptions { SessionTimeoutMs = 3_000 }))
        {
            using var cts = new CancellationTokenSource(Patience);
            await foreach (var r in b.ConsumeAsync(cts.Token))
            {
                rest.Add(Encoding.UTF8.GetString(r.Record.Value!));
                if (rest.Count == 25)
                {
                    break;
                }
            }
        }

        Assert.Empty(first.Intersect(rest));
        Assert.Equal(40, first.Concat(rest).Distinct().Count());
    }

    /// <summary>
    /// Two members of one group split the partitions (the second's join rebalances the first through its heartbeat),
    /// each told what it gained and lost; committing after each record, together they process every record once.
    /// </summary>
    [Fact]
    public async Task TwoConsumers_SplitThePartitions_AndCommittingAfterEachRecordProcessEveryRecordOnce()
    {
        var topic = await TopicAsync(4);
        var group = NewName("g");
        var seen = new ConcurrentQueue<(string Member, string Value)>();
        var assigned = new ConcurrentDictionary<string, int>();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        async Task RunAsync(string name)
        {
            var options = new EventLogConsumerOptions
            {
                SessionTimeoutMs = 3_000,
                PollWaitMs = 200,
                OnAssigned = (parts, _) => { assigned.AddOrUpdate(name, parts.Count, (_, n) => n + parts.Count); return Task.CompletedTask; },
            };
            await using var consumer = Log.CreateConsumer(group, [topic], options);
            try
            {
                await foreach (var r in consumer.ConsumeAsync(stop.Token))
                {
                    seen.Enqueue((name, Encoding.UTF8.GetString(r.Record.Value!)));
                    await consumer.CommitAsync(r, stop.Token);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }

        var a = RunAsync("a");
        await Eventually.Until(() => assigned.ContainsKey("a"), "a to get its partitions", Patience);
        var b = RunAsync("b");
        await Eventually.Until(() => assigned.ContainsKey("b"), "b to get partitions from a", Patience);
        await using (var producer = Log.CreateProducer(topic))
        {
            await Task.WhenAll(Enumerable.Range(0, 200).Select(i => producer.SendAsync(Record($"k{i % 16}", i / 16))));
        }

        await Eventually.Until(() => seen.Count >= 200, "200 records processed", Patience, () => $"{seen.Count} processed");
        await stop.CancelAsync();
        await Task.WhenAll(a, b);

        Assert.Equal(200, seen.Count);
        Assert.Equal(200, seen.Select(s => s.Value).Distinct().Count());
        Assert.Contains(seen, s => s.Member == "a");
        Assert.Contains(seen, s => s.Member == "b");
    }

    /// <summary>Passes calls through to the cluster, but loses the answer of the first <c>losses</c> produce calls after they were stored.</summary>
    private sealed class AnswerLosingLog(IEventLog inner, int losses) : IEventLog
    {
        private int _lost;

        public int Lost => _lost;

        public async Task<ProduceResult> ProduceAsync(string topic, IReadOnlyList<ProduceRecord> records, ProducerIdentity? producer = null, CancellationToken cancellationToken = default)
        {
            var result = await inner.ProduceAsync(topic, records, producer, cancellationToken);
            if (Interlocked.Increment(ref _lost) <= losses)
            {
                throw new TimeoutException("the answer was lost on the way back (test)");
            }

            Interlocked.Exchange(ref _lost, losses);
            return result;
        }

        public Task<(TopicInfo Topic, bool Created)> CreateTopicAsync(string topic, TopicSettings settings, CancellationToken cancellationToken = default) => inner.CreateTopicAsync(topic, settings, cancellationToken);

        public Task<TopicInfo?> GetTopicAsync(string topic, CancellationToken cancellationToken = default) => inner.GetTopicAsync(topic, cancellationToken);

        public Task<IReadOnlyList<PartitionOffsets>> GetOffsetsAsync(string topic, CancellationToken cancellationToken = default) => inner.GetOffsetsAsync(topic, cancellationToken);

        public Task<TopicPage> ListTopicsAsync(int? limit = null, string? continuationToken = null, CancellationToken cancellationToken = default) => inner.ListTopicsAsync(limit, continuationToken, cancellationToken);

        public Task<bool> DeleteTopicAsync(string topic, CancellationToken cancellationToken = default) => inner.DeleteTopicAsync(topic, cancellationToken);

        public Task<TopicInfo> AddPartitionsAsync(string topic, int partitions, CancellationToken cancellationToken = default) => inner.AddPartitionsAsync(topic, partitions, cancellationToken);

        public Task<ReadResult> ReadAsync(string topic, int partition, ReadStart start, int? limit = null, int waitMs = 0, CancellationToken cancellationToken = default) => inner.ReadAsync(topic, partition, start, limit, waitMs, cancellationToken);

        public Task<GroupJoinResult> JoinGroupAsync(string group, GroupJoinRequest request, int waitMs = 0, CancellationToken cancellationToken = default) => inner.JoinGroupAsync(group, request, waitMs, cancellationToken);

        public Task<GroupHeartbeatResult> HeartbeatAsync(string group, string memberId, long generation, CancellationToken cancellationToken = default) => inner.HeartbeatAsync(group, memberId, generation, cancellationToken);

        public Task<bool> LeaveGroupAsync(string group, string memberId, CancellationToken cancellationToken = default) => inner.LeaveGroupAsync(group, memberId, cancellationToken);

        public Task CommitAsync(string group, string memberId, long generation, IReadOnlyList<OffsetCommit> offsets, CancellationToken cancellationToken = default) => inner.CommitAsync(group, memberId, generation, offsets, cancellationToken);

        public Task<GroupDescription> DescribeGroupAsync(string group, CancellationToken cancellationToken = default) => inner.DescribeGroupAsync(group, cancellationToken);

        public Task<IReadOnlyList<ShareLease>> FetchAsync(string topic, string group, ShareFetchOptions? options = null, CancellationToken cancellationToken = default) => inner.FetchAsync(topic, group, options, cancellationToken);

        public Task<IReadOnlyList<ShareSettleResult>> AckAsync(string topic, string group, IReadOnlyList<string> leaseIds, CancellationToken cancellationToken = default) => inner.AckAsync(topic, group, leaseIds, cancellationToken);

        public Task<IReadOnlyList<ShareSettleResult>> NackAsync(string topic, string group, IReadOnlyList<string> leaseIds, CancellationToken cancellationToken = default) => inner.NackAsync(topic, group, leaseIds, cancellationToken);

        public Task<IReadOnlyList<ShareSettleResult>> ReleaseAsync(string topic, string group, IReadOnlyList<string> leaseIds, CancellationToken cancellationToken = default) => inner.ReleaseAsync(topic, group, leaseIds, cancellationToken);

        public Task<ShareGroupDescription> DescribeShareGroupAsync(string topic, string group, CancellationToken cancellationToken = default) => inner.DescribeShareGroupAsync(topic, group, cancellationToken);
    }
}
