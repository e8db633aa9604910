using Microsoft.Extensions.Time.Testing;
using Platform.Testing.Cluster;

namespace Platform.Tests.Infrastructure;

/// <summary>
/// One silo on a <see cref="FakeTimeProvider"/> shared by Platform's grains (lease expiry runs on a grain timer
/// driven by it) and the typed client (renewals, Lost, the routing cache): tests where time is the subject move it
/// with Advance instead of sleeping. One silo, so no failure detection between silos is involved; Orleans' own
/// timers stay on real time.
/// </summary>
public abstract class FakeClockClusterFixture(StorageMode storage) : PlatformClusterFixture
{
    protected override PlatformTestClusterOptions CreateOptions() => new()
    {
        Silos = 1,
        Storage = storage,
        Time = new FakeTimeProvider(DateTimeOffset.UtcNow),
        Settings = new Dictionary<string, string?>(CommonSettings())
        {
            // Small segments and memory window, so retention, compaction and reads from storage show with few records.
            ["Platform:EventLog:SegmentBytes"] = "1024",
            ["Platform:EventLog:MemoryWindowBytes"] = "2048",
            ["Platform:EventLog:CleanupIntervalMs"] = "1000",
            ["Platform:EventLog:DeleteRetentionMs"] = "60000",
        },
    };
}
