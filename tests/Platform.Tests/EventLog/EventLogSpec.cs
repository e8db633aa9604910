using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Platform.EventLog;
using Platform.EventLog.Storage;
using Platform.Testing.Http;
using Platform.Testing.Waiting;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.EventLog;

/// <summary>The event log's produce and read guarantees, run against every storage mode.</summary>
public abstract class EventLogSpec(PlatformClusterFixture fixture)
{
    private PlatformApiClient Api => fixture.Api;

    private static string NewName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>Keyed records land in one partition per key, offsets rise densely from 0, and each key reads back in produce order.</summary>
    [Fact]
    public async Task Produce_KeyedRecords_ReadBackOncePerKeyInProduceOrder()
    {
        var topic = NewName("keyed");
        Assert.Equal(HttpStatusCode.Created, (await Api.CreateTopicAsync(topic, partitions: 4)).StatusCode);
        var sent = new List<(string Key, string Value)>();
        for (var batch = 0; batch < 5; batch++)
        {
            var records = Enumerable.Range(0, 20).Select(i => ($"k{i % 6}", $"v{batch}-{i}")).ToList();
            var answer = (await Api.ProduceAsync(topic, records.Select(r => ((string?)r.Item1, (string?)r.Item2)))).Ok();
            Assert.Equal(20, answer.Records.Count);
            sent.AddRange(records);
        }

        var read = await ReadAllAsync(topic, 4);
        Assert.Equal(sent.Count, read.Sum(p => p.Value.Count));
        foreach (var (partition, records) in read)
        {
            Assert.Equal(Enumerable.Range(0, records.Count).Select(i => (long)i), records.Select(r => r.Offset));
        }

        foreach (var key in sent.Select(s => s.Key).Distinct())
        {
            var holders = read.Where(p => p.Value.Any(r => r.Key == key)).Select(p => p.Key).ToList();
            Assert.Single(holders);
            Assert.Equal(sent.Where(s => s.Key == key).Select(s => s.Value), read[holders[0]].Where(r => r.Key == key).Select(r => r.Value));
        }
    }

    /// <summary>A retried idempotent batch is stored once and answered with the original offsets.</summary>
    [Fact]
    public async Task IdempotentProducer_RetriedBatch_IsStoredOnce_WithItsOriginalOffsets()
    {
        var topic = NewName("idem");
        (await Api.CreateTopicAsync(topic, partitions: 3)).ExpectSuccess();
        var records = Enumerable.Range(0, 10).Select(i => ((string?)$"k{i}", (string?)$"v{i}")).ToList();
        var first = (await Api.ProduceAsync(topic, records, ("p1", 0, 0))).Ok();
        var retry = (await Api.ProduceAsync(topic, records, ("p1", 0, 0))).Ok();
        Assert.False(first.Duplicate);
        Assert.True(retry.Duplicate);
        Assert.Equal(first.Records, retry.Records);
        var next = (await Api.ProduceAsync(topic, records, ("p1", 0, 10))).Ok();
        Assert.False(next.Duplicate);
        Assert.Equal(20, (await ReadAllAsync(topic, 3)).Sum(p => p.Value.Count));

        // Keyless records of an idempotent batch stick to one partition, so their retry is recognised too.
        var keyless = Enumerable.Range(0, 5).Select(i => ((string?)null, (string?)$"n{i}")).ToList();
        var a = (await Api.ProduceAsync(topic, keyless, ("p2", 0, 0))).Ok();
        var b = (await Api.ProduceAsync(topic, keyless, ("p2", 0, 0))).Ok();
        Assert.Single(a.Records.Select(r => r.Partition).Distinct());
        Assert.Equal(a.Records, b.Records);
        Assert.Equal(25, (await ReadAllAsync(topic, 3)).Sum(p => p.Value.Count));
    }

    /// <summary>A batch that arrives after a later batch of the same producer is refused with 409 and appends nothing.</summary>
    [Fact]
    public async Task IdempotentProducer_BatchArrivingAfterALaterOne_Is409_AndAppendsNothing()
    {
        var topic = NewName("order");
        (await Api.CreateTopicAsync(topic, partitions: 1)).ExpectSuccess();
        (await Api.ProduceAsync(topic, [("k", "later")], ("p", 0, 5))).ExpectSuccess();
        ProblemAssert.IsProblem(await Api.ProduceAsync(topic, [("k", "earlier")], ("p", 0, 3)), HttpStatusCode.Conflict);
        ProblemAssert.IsProblem(await Api.ProduceAsync(topic, [("k", "a"), ("k", "overlap")], ("p", 0, 4)), HttpStatusCode.Conflict);
        Assert.Equal(["later"], (await Api.ReadAsync(topic, 0)).Ok().Items.Select(r => r.Value));
    }

    /// <summary>A higher epoch fences the older producer: its writes answer 409 from then on, and nothing of them is stored.</summary>
    [Fact]
    public async Task IdempotentProducer_HigherEpoch_FencesTheOlderEpoch()
    {
        var topic = NewName("epoch");
        (await Api.CreateTopicAsync(topic, partitions: 1)).ExpectSuccess();
        (await Api.ProduceAsync(topic, [("k", "e1")], ("p", 1, 0))).ExpectSuccess();
        (await Api.ProduceAsync(topic, [("k", "e2")], ("p", 2, 0))).ExpectSuccess();
        ProblemAssert.IsProblem(await Api.ProduceAsync(topic, [("k", "zombie")], ("p", 1, 1)), HttpStatusCode.Conflict);
        ProblemAssert.IsProblem(await Api.ProduceAsync(topic, [("k", "zombie")], ("p", 1, 100)), HttpStatusCode.Conflict);
        Assert.Equal(["e1", "e2"], (await Api.ReadAsync(topic, 0)).Ok().Items.Select(r => r.Value));
    }

    /// <summary>
    /// Concurrent produce calls on one partition (written together by group commit) each get their own dense,
    /// consecutive offsets holding their own records, and a refused producer's call fails alone.
    /// </summary>
    [Fact]
    public async Task ConcurrentProduce_OnOnePartition_EachCallGetsItsOwnOffsets_AndARefusalFailsOnlyItself()
    {
        var topic = NewName("group-commit");
        (await Api.CreateTopicAsync(topic, partitions: 1)).ExpectSuccess();
        (await Api.ProduceAsync(topic, [("k", "e2")], ("fenced", 2, 0))).ExpectSuccess();
        var calls = Enumerable.Range(0, 40).Select(c => Api.ProduceAsync(topic, Enumerable.Range(0, 3).Select(i => ((string?)$"c{c}", (string?)$"{c}-{i}")))).ToList();
        var refused = Api.ProduceAsync(topic, [("k", "zombie")], ("fenced", 1, 1));
        var answers = (await Task.WhenAll(calls)).Select(a => a.Ok()).ToList();
        ProblemAssert.IsProblem(await refused, HttpStatusCode.Conflict);

        Assert.Equal(Enumerable.Range(1, 120).Select(i => (long)i), answers.SelectMany(a => a.Records.Select(r => r.Offset)).Order());
        var read = (await ReadAllAsync(topic, 1))[0].ToDictionary(r => r.Offset);
        for (var c = 0; c < answers.Count; c++)
        {
            var offsets = answers[c].Records.Select(r => r.Offset).ToList();
            Assert.Equal(Enumerable.Range(0, 3).Select(i => offsets[0] + i), offsets);
            Assert.Equal(Enumerable.Range(0, 3).Select(i => $"{c}-{i}"), offsets.Select(o => read[o].Value));
        }

        Assert.DoesNotContain(read.Values, r => r.Value == "zombie");
    }

    /// <summary>A read at the end waits (long poll) and answers with the record produced while it waited.</summary>
    [Fact]
    public async Task Read_AtTheEnd_WaitsAndAnswersTheNextRecord()
    {
        var topic = NewName("poll");
        (await Api.CreateTopicAsync(topic, partitions: 1)).ExpectSuccess();
        (await Api.ProduceAsync(topic, [("k", "first")])).ExpectSuccess();
        var empty = (await Api.ReadAsync(topic, 0, offset: 1, waitMs: 0)).Ok();
        Assert.Empty(empty.Items);
        Assert.Equal(1, empty.NextOffset);

        var waiting = Api.ReadAsync(topic, 0, offset: 1, waitMs: 20_000);
        (await Api.ProduceAsync(topic, [("k", "second")])).ExpectSuccess();
        var page = (await waiting).Ok();
        Assert.Equal(["second"], page.Items.Select(r => r.Value));
        Assert.Equal(2, page.NextOffset);
    }

    /// <summary>Seek to earliest, latest and a timestamp: latest answers only later records, a timestamp the first at or after it.</summary>
    [Fact]
    public async Task Seek_EarliestLatestAndTimestamp_StartWhereTheyName()
    {
        var topic = NewName("seek");
        (await Api.CreateTopicAsync(topic, partitions: 1)).ExpectSuccess();
        (await Api.ProduceAsync(topic, [("k", "a"), ("k", "b")])).ExpectSuccess();
        var all = (await Api.ReadAsync(topic, 0, offset: null, query: "seek=earliest")).Ok();
        Assert.Equal(["a", "b"], all.Items.Select(r => r.Value));
        var latest = (await Api.ReadAsync(topic, 0, offset: null, query: "seek=latest")).Ok();
        Assert.Empty(latest.Items);
        Assert.Equal(2, latest.NextOffset);
        var at = all.Items[1].Timestamp.ToUnixTimeMilliseconds();
        var fromTime = (await Api.ReadAsync(topic, 0, offset: null, query: $"timestamp={at}")).Ok();
        Assert.Equal(all.Items.Where(r => r.Timestamp.ToUnixTimeMilliseconds() >= at).Select(r => r.Value), fromTime.Items.Select(r => r.Value));
        var future = (await Api.ReadAsync(topic, 0, offset: null, query: $"timestamp={at + 3_600_000}")).Ok();
        Assert.Empty(future.Items);
    }

    /// <summary>A deleted topic is gone (404); created again it starts empty under a higher generation.</summary>
    [Fact]
    public async Task Topic_DeletedAndCreatedAgain_StartsEmptyUnderAHigherGeneration()
    {
        var topic = NewName("life");
        var created = (await Api.CreateTopicAsync(topic, partitions: 2)).Ok();
        Assert.Equal(HttpStatusCode.OK, (await Api.CreateTopicAsync(topic, partitions: 2)).StatusCode);
        ProblemAssert.IsProblem(await Api.CreateTopicAsync(topic, partitions: 3), HttpStatusCode.Conflict);
        (await Api.ProduceAsync(topic, [("k", "old")])).ExpectSuccess();
        Assert.Equal(HttpStatusCode.NoContent, (await Api.DeleteTopicAsync(topic)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetTopicAsync(topic)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.ReadAsync(topic, 0)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.DeleteTopicAsync(topic)).StatusCode);
        var again = (await Api.CreateTopicAsync(topic, partitions: 2)).Ok();
        Assert.True(again.Generation > created.Generation);
        Assert.Equal(0, (await ReadAllAsync(topic, 2)).Sum(p => p.Value.Count));
    }

    /// <summary>A topic grows (the new partitions take records) and never shrinks (409).</summary>
    [Fact]
    public async Task AddPartitions_Grows_AndNeverShrinks()
    {
        var topic = NewName("grow");
        (await Api.CreateTopicAsync(topic, partitions: 1)).ExpectSuccess();
        Assert.Equal(3, (await Api.AddPartitionsAsync(topic, 3)).Ok().Partitions);
        ProblemAssert.IsProblem(await Api.AddPartitionsAsync(topic, 2), HttpStatusCode.Conflict);
        await Eventually.Until(async ct =>
        {
            var answer = (await Api.ProduceAsync(topic, Enumerable.Range(0, 30).Select(i => ((string?)$"key-{i}", (string?)"x")), cancellationToken: ct)).Ok();
            return answer.Records.Any(r => r.Partition == 2);
        }, "a keyed record to land in a new partition");
        Assert.Equal(3, (await Api.GetTopicAsync(topic)).Ok().Offsets!.Count);
    }

    /// <summary>
    /// Another activation of a partition (simulated by appending through storage behind the grain's back, as a second
    /// activation would) never has its offsets overwritten: the grain's next append loses its ETag race, re-reads, and
    /// appends after them; a retry of the batch the other activation stored is answered with that activation's offsets.
    /// </summary>
    [Fact]
    public async Task SecondActivation_AppendedBehindTheGrainsBack_NoOffsetIsWrittenTwice()
    {
        var topic = NewName("twice");
        (await Api.CreateTopicAsync(topic, partitions: 1)).ExpectSuccess();
        (await Api.ProduceAsync(topic, [("k", "grain-0")])).ExpectSuccess();
        var generation = (await Api.GetTopicAsync(topic)).Ok().Generation;
        var storage = fixture.Cluster.Primary.Services.GetRequiredService<IPartitionStorage>();
        var id = new PartitionId(topic, generation, 0);
        var stored = await storage.LoadAsync(id);
        var stamp = new ProducerStamp { ProducerId = "other", Epoch = 0, FirstSequence = 0, LastSequence = 1 };
        var behind = new[]
        {
            new LogRecord { Offset = 1, Key = "k", Value = "other-1"u8.ToArray(), Timestamp = DateTimeOffset.UtcNow },
            new LogRecord { Offset = 2, Key = "k", Value = "other-2"u8.ToArray(), Timestamp = DateTimeOffset.UtcNow },
        };
        await storage.AppendAsync(id, stored.Head with
        {
            NextOffset = 3,
            Producers = ProducerTable.Record(stored.Head.Producers, stamp, 1, 2, DateTimeOffset.UtcNow, 16),
        }, stored.ETag, stored.Segments[^1].FirstOffset, behind);

        var next = (await Api.ProduceAsync(topic, [("k", "grain-3")])).Ok();
        Assert.Equal(3, next.Records.Single().Offset);
        var retry = (await Api.ProduceAsync(topic, [("k", "other-1"), ("k", "other-2")], ("other", 0, 0))).Ok();
        Assert.True(retry.Duplicate);
        Assert.Equal([1L, 2L], retry.Records.Select(r => r.Offset));
        var read = (await Api.ReadAsync(topic, 0)).Ok();
        Assert.Equal(["grain-0", "other-1", "other-2", "grain-3"], read.Items.Select(r => r.Value));
        Assert.Equal([0L, 1L, 2L, 3L], read.Items.Select(r => r.Offset));
    }

    private async Task<Dictionary<int, List<LogRecordAnswer>>> ReadAllAsync(string topic, int partitions)
    {
        var result = new Dictionary<int, List<LogRecordAnswer>>();
        for (var p = 0; p < partitions; p++)
        {
            var records = new List<LogRecordAnswer>();
            long offset = 0;
            while (true)
            {
                var page = (await Api.ReadAsync(topic, p, offset, limit: 50)).Ok();
                if (page.Items.Count == 0)
                {
                    break;
                }

                records.AddRange(page.Items);
                offset = page.NextOffset;
            }

            result[p] = records;
        }

        return result;
    }
}
