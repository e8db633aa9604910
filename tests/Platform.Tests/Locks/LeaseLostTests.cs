using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Serialization;
using Orleans.Storage;
using Platform.Locks;
using Platform.Testing.Cluster;
using Platform.Testing.Storage;
using Platform.Testing.Waiting;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Locks;

/// <summary>
/// The typed client's lease handle when its renewals fail: every write of the lease state fails (storage timing
/// out), so the lock grain answers each renewal 503 and keeps the lease it granted, which ends at the expiry it
/// published. The grain and the client share a <see cref="FakeTimeProvider"/>, moved in steps.
/// </summary>
[Collection(MemoryFakeClockClusterCollection.Name)]
public sealed class LeaseLostTests
{
    /// <summary>
    /// Lost fires while the lease the grain published is still valid or at its end, never later: at every step of fake
    /// time, once the grain's expiry has been reached Lost has fired; and it fires at all, within the lease.
    /// </summary>
    [Fact]
    public async Task Lost_WhenEveryRenewalFails_FiresNoLaterThanTheGrainsLeaseExpiry()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var faults = new StorageFaults();
        var stores = new MemoryStores();
        await using var cluster = await PlatformTestCluster.StartAsync(new()
        {
            Silos = 1,
            Time = time,
            HttpHost = false,
            MemoryStores = stores,
            ConfigureSilo =
            {
                silo => silo.Services.AddKeyedSingleton<IGrainStorage>(LockGrain.StorageName,
                    (sp, _) => new FaultyGrainStorage(new SharedGrainStorage(stores.Leases, sp.GetRequiredService<DeepCopier>()), faults)),
            },
        });
        var locks = cluster.Service<ILocks>();
        const string name = "lost.renewals-fail";
        var lease = TimeSpan.FromSeconds(3);
        await using var handle = await locks.AcquireAsync(name, lease: lease);
        var granted = (await locks.GetAsync(name)).Holders.Single();
        Assert.Equal(handle.Token, granted.Token);

        // From now on every lease write fails: renewals are answered 503 and change nothing the grain publishes.
        faults.FailWrites(name, int.MaxValue, () => new TimeoutException("lease storage timed out (injected)"));
        // Step by step until Lost fires or the grain's published expiry is reached, whichever comes first; at most the lease.
        await time.AdvanceUntilAsync(() => handle.Lost.IsCancellationRequested || time.GetUtcNow() >= granted.ExpiresAt,
            TimeSpan.FromMilliseconds(100), lease + TimeSpan.FromMilliseconds(100), "Lost or the grain's lease expiry");
        Assert.True(handle.Lost.IsCancellationRequested, $"the grain's lease ended at {granted.ExpiresAt:O} (now {time.GetUtcNow():O}) and Lost had not fired");
        Assert.True(faults.Injected > 0, "no renewal reached the failing storage: the test did not exercise failed renewals");
        Assert.True(time.GetUtcNow() <= granted.ExpiresAt, $"Lost fired at {time.GetUtcNow():O}, after the grain's lease ended at {granted.ExpiresAt:O}");
        var view = await locks.GetAsync(name);
        Assert.All(view.Holders, h => Assert.Equal(granted.ExpiresAt, h.ExpiresAt));
    }
}
