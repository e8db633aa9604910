using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Platform.Testing.Http;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.EventLog;

/// <summary>
/// Share groups (competing consumers) on a fake clock, since visibility timeouts are the subject: one lease per record
/// at a time, redelivery after the visibility timeout with the count incremented, the dead-letter topic after
/// ShareMaxDeliveries failures, release without counting, long polls, and a recorded history of random leases, acks,
/// nacks, releases and expiries in which no record is acknowledged twice and none is lost.
/// </summary>
[Collection(MemoryFakeClockClusterCollection.Name)]
public sealed class ShareGroupTests(MemoryFakeClockClusterFixture fixture)
{
    private const int LongVisibilityMs = 3_600_000;

    private PlatformApiClient Api => fixture.Api;

    private static string NewName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..24];

    private async Task<string> TopicAsync(int partitions, int records)
    {
        var topic = NewName("sq");
        (await Api.CreateTopicAsync(topic, partitions: partitions)).ExpectSuccess();
        if (records > 0)
        {
            (await Api.ProduceAsync(topic, Enumerable.Range(0, records).Select(i => ((string?)null, (string?)$"job-{i}")))).ExpectSuccess();
        }

        return topic;
    }

    /// <summary>
    /// Two consumers fetch concurrently from one partition, nack about one record in eight and ack the rest. The
    /// history (each lease as answered, each settle as invoked) shows that a record is leased again only after its
    /// previous lease was given back, that every record is acknowledged exactly once, and that leases never expired.
    /// </summary>
    [Fact]
    public async Task TwoConsumers_OnOnePartition_NeverHoldTheSameRecordAtOnce_AndAckEachOnce()
    {
        const int Records = 80;
        var topic = await TopicAsync(1, Records);
        var group = NewName("sg");
        var history = new ConcurrentQueue<(long Seq, string Consumer, string What, long Offset, string LeaseId)>();
        long seq = 0;
        var acked = new ConcurrentDictionary<long, int>();

        async Task ConsumeAsync(string consumer, int seed)
        {
            var random = new Random(seed);
            var idle = 0;
            while (acked.Count < Records && idle < 50)
            {
                var leases = (await Api.ShareFetchAsync(topic, group, max: random.Next(1, 5), visibilityMs: LongVisibilityMs)).Ok().Items;
                foreach (var lease in leases)
                {
                    history.Enqueue((Interlocked.Increment(ref seq), consumer, "lease", lease.Offset, lease.LeaseId));
                }

                idle = leases.Count == 0 ? idle + 1 : 0;
                foreach (var lease in leases)
                {
                    var action = random.Next(8) == 0 ? "nack" : "ack";
                    history.Enqueue((Interlocked.Increment(ref seq), consumer, action, lease.Offset, lease.LeaseId));
                    var result = (await Api.ShareSettleAsync(topic, group, action, [lease.LeaseId])).Ok().Results.Single();
                    Assert.Equal(lease.LeaseId, result.LeaseId);
                    if (action == "ack")
                    {
                        Assert.Equal("acked", result.Status);
                        acked.AddOrUpdate(lease.Offset, 1, (_, n) => n + 1);
                    }
                    else
                    {
                        Assert.True(result.Status is "nacked" or "deadLettered", result.Status);
                    }
                }

                if (leases.Count == 0)
                {
                    await Task.Delay(10);
                }
            }
        }

        await Task.WhenAll(ConsumeAsync("a", 1), ConsumeAsync("b", 2));

        var events = history.OrderBy(e => e.Seq).ToList();
        var holder = new Dictionary<long, string>();
        foreach (var e in events)
        {
            if (e.What == "lease")
            {
                Assert.False(holder.TryGetValue(e.Offset, out var other), $"offset {e.Offset} leased to {e.Consumer} while {other} held it");
                holder[e.Offset] = e.LeaseId;
            }
            else if (holder.TryGetValue(e.Offset, out var held) && held == e.LeaseId)
            {
                holder.Remove(e.Offset);
            }
        }

        var deadLettered = events.Where(e => e.What == "nack").GroupBy(e => e.Offset).Count(g => g.Count() >= 5);
        Assert.Equal(Records - deadLettered, acked.Count);
        Assert.All(acked, a => Assert.Equal(1, a.Value));
        Assert.Contains(events, e => e.Consumer == "a" && e.What == "lease");
        Assert.Contains(events, e => e.Consumer == "b" && e.What == "lease");
        var described = (await Api.DescribeShareGroupAsync(topic, group)).Ok().Partitions.Single();
        Assert.Equal((Records, Records, 0, 0), (described.Start, described.Next, described.Leased, described.Redeliverable));
    }

    /// <summary>
    /// A record leased and never settled is not delivered while its lease lasts, and is delivered again once its
    /// visibility timeout passes, with deliveryCount 2; the expired lease's ack then answers expired, the new one's acked.
    /// </summary>
    [Fact]
    public async Task AnUnackedRecord_IsDeliveredAgain_AfterTheVisibilityTimeout_WithItsCountIncremented()
    {
        var topic = await TopicAsync(1, 1);
        var group = NewName("sg");
        var first = (await Api.ShareFetchAsync(topic, group, max: 10, visibilityMs: 5_000)).Ok().Items.Single();
        Assert.Equal((0L, 1), (first.Offset, first.DeliveryCount));
        Assert.Empty((await Api.ShareFetchAsync(topic, group, visibilityMs: 5_000)).Ok().Items);

        fixture.Time.Advance(TimeSpan.FromMilliseconds(4_900));
        Assert.Empty((await Api.ShareFetchAsync(topic, group, visibilityMs: 5_000)).Ok().Items);

        fixture.Time.Advance(TimeSpan.FromMilliseconds(200));
        var again = (await Api.ShareFetchAsync(topic, group, visibilityMs: 5_000)).Ok().Items.Single();
        Assert.Equal((0L, 2, "job-0"), (again.Offset, again.DeliveryCount, again.Value));
        Assert.NotEqual(first.LeaseId, again.LeaseId);

        Assert.Equal("expired", (await Api.ShareSettleAsync(topic, group, "ack", [first.LeaseId])).Ok().Results.Single().Status);
        Assert.Equal("acked", (await Api.ShareSettleAsync(topic, group, "ack", [again.LeaseId])).Ok().Results.Single().Status);
        Assert.Equal("expired", (await Api.ShareSettleAsync(topic, group, "ack", [again.LeaseId])).Ok().Results.Single().Status);
        fixture.Time.Advance(TimeSpan.FromMilliseconds(10_000));
        Assert.Empty((await Api.ShareFetchAsync(topic, group)).Ok().Items);
    }

    /// <summary>
    /// A record nacked ShareMaxDeliveries (5) times: the last nack answers deadLettered, the record is in
    /// <c>{topic}.dlq</c> once with its value and the source's topic, partition, offset, group and delivery count, and
    /// it is never delivered again; the next record is.
    /// </summary>
    [Fact]
    public async Task ARecordNackedMaxDeliveriesTimes_IsInTheDeadLetterTopic_AndNoLongerDelivered()
    {
        var topic = await TopicAsync(1, 2);
        var group = NewName("sg");
        var max = (await Api.DescribeShareGroupAsync(topic, group)).Ok().MaxDeliveries;
        Assert.Equal(5, max);
        for (var delivery = 1; delivery <= max; delivery++)
        {
            var lease = (await Api.ShareFetchAsync(topic, group, max: 1)).Ok().Items.Single();
            Assert.Equal((0L, delivery), (lease.Offset, lease.DeliveryCount));
            var status = (await Api.ShareSettleAsync(topic, group, "nack", [lease.LeaseId])).Ok().Results.Single().Status;
            Assert.Equal(delivery < max ? "nacked" : "deadLettered", status);
        }

        var dead = (await Api.ReadAsync($"{topic}.dlq", 0)).Ok().Items.Single();
        Assert.Equal("job-0", dead.Value);
        Assert.Equal(topic, dead.Headers!["platform-dlq-topic"]);
        Assert.Equal(("0", "0", group, "5"), (dead.Headers["platform-dlq-partition"], dead.Headers["platform-dlq-offset"], dead.Headers["platform-dlq-group"], dead.Headers["platform-dlq-deliveries"]));

        var next = (await Api.ShareFetchAsync(topic, group, max: 10)).Ok().Items.Single();
        Assert.Equal(1L, next.Offset);
        Assert.Equal("acked", (await Api.ShareSettleAsync(topic, group, "ack", [next.LeaseId])).Ok().Results.Single().Status);
        var described = (await Api.DescribeShareGroupAsync(topic, group)).Ok().Partitions.Single();
        Assert.Equal((2L, 1L, 1L), (described.Start, described.Acked, described.DeadLettered));
    }

    /// <summary>A released record is delivered again at once, and the release does not count as a delivery.</summary>
    [Fact]
    public async Task Release_GivesARecordBack_WithoutCountingTheDelivery()
    {
        var topic = await TopicAsync(1, 1);
        var group = NewName("sg");
        for (var i = 0; i < 7; i++)
        {
            var lease = (await Api.ShareFetchAsync(topic, group)).Ok().Items.Single();
            Assert.Equal(1, lease.DeliveryCount);
            Assert.Equal("released", (await Api.ShareSettleAsync(topic, group, "release", [lease.LeaseId])).Ok().Results.Single().Status);
        }

        var last = (await Api.ShareFetchAsync(topic, group)).Ok().Items.Single();
        Assert.Equal("nacked", (await Api.ShareSettleAsync(topic, group, "nack", [last.LeaseId])).Ok().Results.Single().Status);
        Assert.Equal(2, (await Api.ShareFetchAsync(topic, group)).Ok().Items.Single().DeliveryCount);
    }

    /// <summary>A fetch with waitMs on an empty partition (and across partitions) answers as soon as a record is produced.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Fetch_WithWaitMs_AnswersWhenARecordArrives(int partitions)
    {
        var topic = await TopicAsync(partitions, 0);
        var group = NewName("sg");
        var fetch = Api.ShareFetchAsync(topic, group, waitMs: 20_000);
        await Task.Delay(300);
        Assert.False(fetch.IsCompleted, "the fetch answered before any record existed");
        (await Api.SendJsonAsync(HttpMethod.Post, $"/v1/topics/{topic}/records", new { records = new[] { new { value = "late", partition = partitions - 1 } } })).ExpectSuccess();
        var lease = (await fetch.WaitAsync(TimeSpan.FromSeconds(30))).Ok().Items.Single();
        Assert.Equal(("late", partitions - 1), (lease.Value, lease.Partition));
    }

    /// <summary>
    /// Random steps of three consumers on two partitions (fetch, ack, nack, release, forget leases as a crashed
    /// consumer would, move the clock) until every record is done, recorded as a history: no record is acknowledged
    /// twice, none is both acknowledged and dead-lettered, every record is one or the other, the dead-letter topic
    /// holds each dead letter once, and no lease was handed out while another lease of its record was held and unexpired.
    /// </summary>
    [Fact]
    public async Task RandomLeasesAcksNacksAndExpiries_AckNoRecordTwice_AndLoseNone()
    {
        const int Partitions = 2;
        const int Records = 60;
        const int VisibilityMs = 1_000;
        var topic = await TopicAsync(Partitions, Records);
        var group = NewName("sg");
        var random = new Random(1313);
        var held = Enumerable.Range(0, 3).Select(_ => new List<ShareLeaseAnswer>()).ToArray();
        var acked = new List<(int Partition, long Offset)>();
        var live = new Dictionary<(int, long), ShareLeaseAnswer>();   // the lease a record is out under, by the history
        var crashes = 0;
        for (var step = 0; step < 5_000; step++)
        {
            var consumer = random.Next(3);
            var now = fixture.Time.GetUtcNow();
            switch (random.Next(10))
            {
                case < 4:
                    foreach (var lease in (await Api.ShareFetchAsync(topic, group, max: random.Next(1, 6), visibilityMs: VisibilityMs)).Ok().Items)
                    {
                        var key = (lease.Partition, lease.Offset);
                        Assert.False(live.TryGetValue(key, out var other) && other.LeasedUntil > now,
                            $"{key} leased as {lease.LeaseId} while {other?.LeaseId} was held until {other?.LeasedUntil:O} (now {now:O})");
                        live[key] = lease;
                        held[consumer].Add(lease);
                    }

                    break;
                case < 8 when held[consumer].Count > 0:
                    var chosen = held[consumer].Where(_ => random.Next(2) == 0).ToList();
                    held[consumer].RemoveAll(chosen.Contains);
                    if (chosen.Count == 0)
                    {
                        break;
                    }

                    var action = random.Next(4) switch { 0 => "nack", 1 => "release", _ => "ack" };
                    var results = (await Api.ShareSettleAsync(topic, group, action, chosen.Select(l => l.LeaseId))).Ok().Results;
                    for (var i = 0; i < chosen.Count; i++)
                    {
                        var key = (chosen[i].Partition, chosen[i].Offset);
                        var expected = chosen[i].LeasedUntil > now ? (action switch { "ack" => "acked", "release" => "released", _ => "nacked|deadLettered" }) : "expired";
                        Assert.Contains(results[i].Status, expected.Split('|'));
                        if (results[i].Status == "acked")
                        {
                            acked.Add(key);
                        }

                        if (results[i].Status != "expired")
                        {
                            live.Remove(key);
                        }
                    }

                    break;
                case 8:
                    crashes += held[consumer].Count > 0 ? 1 : 0;
                    held[consumer].Clear();   // a crashed consumer: its leases run out
                    break;
                default:
                    fixture.Time.Advance(TimeSpan.FromMilliseconds(random.Next(100, 600)));
                    break;
            }

            if (step % 50 == 49 && (await Api.DescribeShareGroupAsync(topic, group)).Ok().Partitions.All(p => p.Start == Records / Partitions && p.Leased + p.Redeliverable == 0))
            {
                break;
            }
        }

        var described = (await Api.DescribeShareGroupAsync(topic, group)).Ok();
        Assert.All(described.Partitions, p => Assert.Equal(Records / Partitions, p.Start));
        var twice = acked.GroupBy(a => a).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(twice.Count == 0, $"acknowledged twice: {string.Join(", ", twice)}");
        var dead = (await ReadAllAsync($"{topic}.dlq"))
            .Select(r => (int.Parse(r.Headers!["platform-dlq-partition"], CultureInfo.InvariantCulture), long.Parse(r.Headers["platform-dlq-offset"], CultureInfo.InvariantCulture)))
            .ToList();
        Assert.Equal(dead.Count, dead.Distinct().Count());
        Assert.Empty(dead.Intersect(acked));
        Assert.True(Records == acked.Count + dead.Count, $"{acked.Count} acked + {dead.Count} dead-lettered of {Records}; the group says {string.Join(", ", described.Partitions.Select(p => $"p{p.Partition}: {p.Acked} acked, {p.DeadLettered} dead"))}");
        Assert.Equal(described.Partitions.Sum(p => p.Acked), acked.Count);
        Assert.True(crashes > 0 && dead.Count > 0, $"the run should include crashed consumers ({crashes}) and dead letters ({dead.Count})");
    }

    /// <summary>The typed client's share calls: FetchAsync leases with the options given, AckAsync and NackAsync answer per lease id.</summary>
    [Fact]
    public async Task TypedClient_FetchAckAndNack_ThroughIEventLog()
    {
        var log = fixture.Service<Platform.EventLog.IEventLog>();
        var topic = await TopicAsync(2, 4);
        var group = NewName("sg");
        var leases = await log.FetchAsync(topic, group, new Platform.EventLog.ShareFetchOptions { Max = 10, VisibilityMs = 60_000 });
        Assert.Equal(4, leases.Count);
        Assert.All(leases, l => Assert.Equal(1, l.DeliveryCount));
        var acked = await log.AckAsync(topic, group, [.. leases.Take(3).Select(l => l.LeaseId)]);
        Assert.All(acked, r => Assert.Equal(Platform.EventLog.ShareSettleStatus.Acked, r.Status));
        Assert.Equal(Platform.EventLog.ShareSettleStatus.Nacked, (await log.NackAsync(topic, group, [leases[3].LeaseId])).Single().Status);
        var again = Assert.Single(await log.FetchAsync(topic, group, new Platform.EventLog.ShareFetchOptions { Partition = leases[3].Partition }));
        Assert.Equal((leases[3].Record.Offset, 2), (again.Record.Offset, again.DeliveryCount));
        var described = await log.DescribeShareGroupAsync(topic, group);
        Assert.Equal(3, described.Partitions.Sum(p => p.Acked));
    }

    /// <summary>Every record of partition 0, page by page (a page from storage may end at a segment's end).</summary>
    private async Task<List<LogRecordAnswer>> ReadAllAsync(string topic)
    {
        var all = new List<LogRecordAnswer>();
        long offset = 0;
        while (true)
        {
            var page = (await Api.ReadAsync(topic, 0, offset, limit: 1000)).Ok();
            if (page.Items.Count == 0)
            {
                return all;
            }

            all.AddRange(page.Items);
            offset = page.NextOffset;
        }
    }

    /// <summary>
    /// Bad share-group input answers 400 naming the field (max, visibilityMs, waitMs, partition, leaseIds[i]), an unknown
    /// topic 404, and a well-formed lease id this group never issued is answered per record as unknown; nothing is leased.
    /// </summary>
    [Fact]
    public async Task BadShareInput_Is400NamingTheField_UnknownTopic404_UnknownLeasePerRecord()
    {
        var topic = await TopicAsync(2, 1);
        var group = NewName("sg");
        foreach (var (query, field) in new[]
        {
            ("max=0", "max"), ("max=501", "max"), ("max=x", "max"), ("visibilityMs=99", "visibilityMs"), ("visibilityMs=43200001", "visibilityMs"),
            ("waitMs=-1", "waitMs"), ("waitMs=20001", "waitMs"), ("partition=2", "partition"), ("partition=-1", "partition"),
        })
        {
            var problem = ProblemAssert.IsProblem(await Api.SendAsync(HttpMethod.Post, $"/v1/topics/{topic}/shares/{group}/fetch?{query}"), HttpStatusCode.BadRequest);
            Assert.True(problem.Field == field, $"{query}: field {problem.Field}");
        }

        foreach (var (body, field) in new[]
        {
            ("""{"leaseIds":[]}""", "leaseIds"), ("""{"leaseIds":["nope"]}""", "leaseIds[0]"), ("""{"leaseIds":["1.0.0.1.0000000g"]}""", "leaseIds[0]"),
            ($$"""{"leaseIds":["1.0.0.1.00000001","{{new string('9', 70)}}"]}""", "leaseIds[1]"), ("""{"leaseIds":[null]}""", "leaseIds[0]"), ("""{"leaseIds":["1.0.0.1.00000001","1.0.0.1.00000001"]}""", "leaseIds[1]"), ("""{}""", "leaseIds"),
        })
        {
            var problem = ProblemAssert.IsProblem(await Api.SendJsonAsync(HttpMethod.Post, $"/v1/topics/{topic}/shares/{group}/ack", System.Text.Json.JsonDocument.Parse(body).RootElement), HttpStatusCode.BadRequest);
            Assert.True(problem.Field == field, $"{body}: field {problem.Field}");
        }

        Assert.Equal(HttpStatusCode.NotFound, (await Api.ShareFetchAsync("no-such-topic", group)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.ShareSettleAsync("no-such-topic", group, "ack", ["1.0.0.1.00000001"])).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.DescribeShareGroupAsync("no-such-topic", group)).StatusCode);
        var results = (await Api.ShareSettleAsync(topic, group, "nack", ["1.0.0.1.00000001", "99.0.0.1.00000001", "1.1.5.1.00000001"])).Ok().Results;
        Assert.Equal(["unknown", "unknown", "unknown"], results.Select(r => r.Status));
        Assert.All((await Api.DescribeShareGroupAsync(topic, group)).Ok().Partitions, p => Assert.Equal((0L, 0), (p.Next, p.Leased)));
    }
}
