using Microsoft.Extensions.Time.Testing;
using Platform.Replication.Crdt;

namespace Platform.Tests.Replication.Crdt;

/// <summary>The hybrid logical clock on a fake clock: monotonic, above what it observed, packed in the same order.</summary>
public sealed class HybridLogicalClockTests
{
    [Fact]
    public void Readings_never_go_back_even_when_the_physical_clock_does()
    {
        var time = new SettableClock { Now = DateTimeOffset.Parse("2026-12-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture) };
        var clock = new HybridLogicalClock(time, 1);
        var first = clock.Now();
        var second = clock.Now();
        Assert.True(second > first);
        time.Now -= TimeSpan.FromSeconds(5);
        var third = clock.Now();
        Assert.True(third > second);
        Assert.Equal(first.WallMs, third.WallMs);
        time.Now += TimeSpan.FromSeconds(10);
        Assert.True(clock.Now().WallMs > first.WallMs);
    }

    [Fact]
    public void A_lagging_clock_orders_after_what_it_observed()
    {
        var fast = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T00:00:10Z", System.Globalization.CultureInfo.InvariantCulture));
        var slow = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var a = new HybridLogicalClock(fast, 1);
        var b = new HybridLogicalClock(slow, 2);
        var written = a.Now();
        Assert.True(b.Now() < written);
        b.Observe(written);
        var after = b.Now();
        Assert.True(after > written);

        // The wall part ran ahead of b's physical clock by at most the skew (10 s).
        Assert.True(after.WallMs - slow.GetUtcNow().ToUnixTimeMilliseconds() <= 10_000);
    }

    [Fact]
    public void Packed_readings_keep_the_order()
    {
        var random = new Random(7);
        var stamps = Enumerable.Range(0, 2000)
            .Select(_ => new HlcTimestamp(HlcTimestamp.PackEpochMs + random.NextInt64(0, 1L << 39), random.Next(4096), random.Next(2048)))
            .ToList();
        var byStamp = stamps.OrderBy(s => s).ToList();
        var byPack = stamps.OrderBy(s => s.Pack()).ToList();
        Assert.Equal(byStamp, byPack);
        Assert.All(stamps, s => Assert.True(s.Pack() > 0));
    }

    /// <summary>A clock that can be set back (FakeTimeProvider refuses to), as an NTP step does.</summary>
    private sealed class SettableClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
