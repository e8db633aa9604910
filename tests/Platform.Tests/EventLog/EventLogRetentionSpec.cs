using Platform.Testing.Http;
using Platform.Testing.Waiting;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.EventLog;

/// <summary>
/// Segments, retention, compaction and reads below the memory window, on a fake clock with 1 KiB segments, a 2 KiB
/// memory window, a 1 s cleanup interval and a 60 s delete retention (<see cref="FakeClockClusterFixture"/>); run
/// against every storage mode. Records are ~103 bytes, so a batch of 5 is ~515 bytes and a segment rolls after two.
/// </summary>
public abstract class EventLogRetentionSpec(FakeClockClusterFixture fixture)
{
    private static readonly string Pad = new('x', 100);

    private PlatformApiClient Api => fixture.Api;

    private static string NewName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>Time retention deletes the whole segments whose last record is older than retention.ms, and nothing newer.</summary>
    [Fact]
    public async Task RetentionByTime_DeletesWholeOldSegments_AndKeepsEveryNewerRecord()
    {
        var topic = NewName("ret-time");
        (await Api.CreateTopicAsync(topic, partitions: 1, retentionMs: 3_600_000)).ExpectSuccess();
        await ProduceBatchesAsync(topic, 6, "old");
        fixture.Time.Advance(TimeSpan.FromHours(2));
        await ProduceBatchesAsync(topic, 2, "new");

        await CleanUntilAsync(topic, r => r.EarliestOffset == 30, "time retention to delete the three old segments");
        var all = await ReadAllAsync(topic, 0);
        Assert.Equal(Enumerable.Range(30, 10).Select(i => (long)i), all.Select(r => r.Offset));
        Assert.All(all, r => Assert.StartsWith("new", r.Value, StringComparison.Ordinal));
        Assert.Equal(30, (await Api.GetTopicAsync(topic)).Ok().Offsets!.Single().Earliest);
    }

    /// <summary>Byte retention deletes the oldest whole segments while what remains still holds retention.bytes, never the active one.</summary>
    [Fact]
    public async Task RetentionByBytes_DeletesOldestSegments_WhileTheRestStillHoldsTheLimit()
    {
        var topic = NewName("ret-bytes");
        (await Api.CreateTopicAsync(topic, partitions: 1, retentionBytes: 2048)).ExpectSuccess();
        await ProduceBatchesAsync(topic, 10, "v");

        // Five segments of ~1050 bytes: dropping the first three leaves ~2100 >= 2048; dropping a fourth would not.
        await CleanUntilAsync(topic, r => r.EarliestOffset == 30, "byte retention to delete three segments");
        var all = await ReadAllAsync(topic, 0);
        Assert.Equal(Enumerable.Range(30, 20).Select(i => (long)i), all.Select(r => r.Offset));
        fixture.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(30, (await Api.ReadAsync(topic, 0, offset: 0, limit: 1)).Ok().EarliestOffset);
    }

    /// <summary>
    /// Compaction keeps the latest record of every key in closed segments (offsets unchanged), keeps a tombstone for
    /// the delete retention, then drops it; the active segment is never rewritten.
    /// </summary>
    [Fact]
    public async Task Compaction_KeepsTheLatestRecordPerKey_AndDropsTombstonesAfterTheDeleteRetention()
    {
        var topic = NewName("compact");
        (await Api.CreateTopicAsync(topic, partitions: 1, cleanup: "compact")).ExpectSuccess();
        for (var round = 0; round < 5; round++)
        {
            (await Api.ProduceAsync(topic, Enumerable.Range(0, 5).Select(k => ((string?)$"k{k}", (string?)$"r{round}{Pad}")))).ExpectSuccess();
        }

        (await Api.ProduceAsync(topic, [("k1", null)])).ExpectSuccess();
        for (var filler = 0; filler < 2; filler++)
        {
            (await Api.ProduceAsync(topic, Enumerable.Range(0, 5).Select(k => ((string?)$"f{k}", (string?)$"{filler}{Pad}")))).ExpectSuccess();
        }

        // Segments: [0-9], [10-19], [20-30] closed (k0-k4 r4 at 20-24, the k1 tombstone at 25, f0-f4 at 26-30), [31-35] active.
        long[] compacted = [20, 22, 23, 24, 25, 31, 32, 33, 34, 35];
        await CleanUntilAsync(topic, _ => true, "a cleanup pass", async () => (await ReadAllAsync(topic, 0)).Select(r => r.Offset).SequenceEqual(compacted));
        var all = await ReadAllAsync(topic, 0);
        Assert.Equal(["k0", "k2", "k3", "k4", "k1", "f0", "f1", "f2", "f3", "f4"], all.Select(r => r.Key));
        Assert.All(all.Take(4), r => Assert.StartsWith("r4", r.Value, StringComparison.Ordinal));
        Assert.Null(all[4].Value);
        Assert.Null(all[4].ValueBase64);

        fixture.Time.Advance(TimeSpan.FromSeconds(61));
        long[] expired = [20, 22, 23, 24, 31, 32, 33, 34, 35];
        await CleanUntilAsync(topic, _ => true, "the tombstone to expire", async () => (await ReadAllAsync(topic, 0)).Select(r => r.Offset).SequenceEqual(expired));
        Assert.DoesNotContain(await ReadAllAsync(topic, 0), r => r.Key == "k1");
    }

    /// <summary>
    /// Records older than the memory window are read back from storage, in order, once each, across segment and
    /// window boundaries, and by timestamp.
    /// </summary>
    [Fact]
    public async Task Read_BelowTheMemoryWindow_ComesFromStorage_InOrderOnceEach()
    {
        var topic = NewName("window");
        (await Api.CreateTopicAsync(topic, partitions: 1)).ExpectSuccess();
        for (var i = 0; i < 60; i++)
        {
            (await Api.ProduceAsync(topic, [($"k{i % 7}", $"{i}{Pad}")])).ExpectSuccess();
            if (i == 30)
            {
                fixture.Time.Advance(TimeSpan.FromMinutes(1));
            }
        }

        var all = await ReadAllAsync(topic, 0, limit: 7);
        Assert.Equal(Enumerable.Range(0, 60).Select(i => (long)i), all.Select(r => r.Offset));
        Assert.Equal(Enumerable.Range(0, 60).Select(i => $"{i}{Pad}"), all.Select(r => r.Value));
        var at = all[31].Timestamp.ToUnixTimeMilliseconds();
        Assert.Equal(31, (await Api.ReadAsync(topic, 0, offset: null, query: $"timestamp={at}", limit: 1)).Ok().Items.Single().Offset);
    }

    private async Task ProduceBatchesAsync(string topic, int batches, string prefix)
    {
        for (var b = 0; b < batches; b++)
        {
            (await Api.ProduceAsync(topic, Enumerable.Range(0, 5).Select(i => ((string?)$"k{i}", (string?)$"{prefix}{b}{i}{Pad}")))).ExpectSuccess();
        }
    }

    /// <summary>Moves the fake clock one cleanup interval at a time until a read from offset 0 (and <paramref name="also"/>) satisfies the check.</summary>
    private async Task CleanUntilAsync(string topic, Func<ReadAnswer, bool> done, string what, Func<Task<bool>>? also = null)
    {
        ReadAnswer? last = null;
        await Eventually.Until(async ct =>
        {
            fixture.Time.Advance(TimeSpan.FromSeconds(1));
            last = (await Api.ReadAsync(topic, 0, offset: 0, limit: 1, cancellationToken: ct)).Ok();
            return done(last) && (also is null || await also());
        }, what, state: () => $"earliest {last?.EarliestOffset}, latest {last?.LatestOffset}");
    }

    private async Task<List<LogRecordAnswer>> ReadAllAsync(string topic, int partition, int limit = 50)
    {
        var records = new List<LogRecordAnswer>();
        long offset = 0;
        while (true)
        {
            var page = (await Api.ReadAsync(topic, partition, offset, limit: limit)).Ok();
            if (page.Items.Count == 0)
            {
                return records;
            }

            records.AddRange(page.Items);
            offset = page.NextOffset;
        }
    }
}
