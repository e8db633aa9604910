using System.Collections.Concurrent;
using Platform.Locks;
using Platform.Testing.Cluster;
using Platform.Testing.Waiting;

namespace Platform.Tests.Locks;

/// <summary>
/// Fencing tokens survive the lock grain's silo going away mid-run and a restart of the whole cluster: state is in
/// an ETag-checked store that outlives both (as PostgreSQL or Azure Table would). Own clusters, since stopping
/// silos would disturb the shared fixture. The real-process SIGKILL variant belongs on the process-cluster harness.
/// </summary>
public sealed class LockDurabilityTests : IAsyncLifetime
{
    private readonly MemoryStores _stores = new();
    private PlatformTestCluster? _cluster;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    /// <summary>
    /// Ten contenders loop acquire/release on one lock while the silo hosting its grain is stopped; then the whole
    /// cluster is replaced by a new one. Every token granted is unique, each contender's tokens increase, and the
    /// first grant after each disruption is above every earlier one.
    /// </summary>
    [Fact]
    public async Task Acquire_AcrossHostingSiloStopAndFullClusterRestart_NeverReusesATokenOrGoesBackwards()
    {
        _cluster = await StartCluster();
        var name = await NameHostedOnSecondary(_cluster);
        var grants = new ConcurrentQueue<(int Contender, long Token)>();
        using var stop = new CancellationTokenSource();
        var contenders = Enumerable.Range(0, 10).Select(i => Task.Run(() => Contend(_cluster, name, i, grants, stop.Token))).ToList();

        await Eventually.Until(() => grants.Count >= 50, "50 grants before the stop", TimeSpan.FromSeconds(60), () => $"{grants.Count} grants");
        var hosting = _cluster.Secondaries[0];
        var hostingAddress = hosting.SiloAddress.ToParsableString();
        await _cluster.StopSiloAsync(hosting.Index);
        var countAtStop = grants.Count;
        await Eventually.Until(() => grants.Count >= countAtStop + 50, "50 grants after the hosting silo stopped", TimeSpan.FromSeconds(60), () => $"{grants.Count - countAtStop} grants since");
        await stop.CancelAsync();
        await Task.WhenAll(contenders);

        var beforeRestart = grants.Max(g => g.Token);
        var view = await _cluster.Client.Grain(LeaseKind.Lock, name).Get();
        Assert.NotEqual(hostingAddress, view.Silo);
        await _cluster.DisposeAsync();

        _cluster = await StartCluster();
        var lease = await _cluster.Client.Grain(LeaseKind.Lock, name).Acquire(new LeaseRequest { Owner = "after-restart" });
        Assert.Equal(LeaseStatus.Ok, lease.Status);
        grants.Enqueue((-1, lease.Lease!.Token));
        Assert.True(lease.Lease.Token > beforeRestart, $"token {lease.Lease.Token} after a restart, {beforeRestart} before");

        var all = grants.Select(g => g.Token).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        foreach (var contender in grants.GroupBy(g => g.Contender))
        {
            var tokens = contender.Select(g => g.Token).ToList();
            Assert.Equal(tokens.Order(), tokens);
        }
    }

    private static async Task Contend(PlatformTestCluster cluster, string name, int index, ConcurrentQueue<(int, long)> grants, CancellationToken stop)
    {
        var owner = $"contender-{index}";
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var grain = cluster.Client.Grain(LeaseKind.Lock, name);
                var result = await grain.Acquire(new LeaseRequest { Owner = owner, LeaseMs = 5_000, WaitMs = 2_000 }, CancellationToken.None);
                if (result.Status != LeaseStatus.Ok)
                {
                    continue;
                }

                grants.Enqueue((index, result.Lease!.Token));
                await grain.Release(owner, result.Lease.Token);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The grain is moving to the other silo: calls fail for a moment. Try again.
                await Task.Delay(50, CancellationToken.None);
            }
        }
    }

    /// <summary>Two silos without an HTTP host, on this test's lease store (shared with any earlier cluster of the test).</summary>
    private Task<PlatformTestCluster> StartCluster() =>
        PlatformTestCluster.StartAsync(new() { Silos = 2, MemoryStores = _stores, HttpHost = false });

    /// <summary>
    /// A lock name whose grain activated on a secondary silo (the one that will be stopped). Fresh names are tried for
    /// up to a minute: right after start-up a silo's placement may not see the secondary yet, so early names all land
    /// on the primary.
    /// </summary>
    private static async Task<string> NameHostedOnSecondary(PlatformTestCluster cluster)
    {
        var secondary = cluster.Secondaries[0].SiloAddress.ToParsableString();
        var deadline = DateTime.UtcNow.AddMinutes(1);
        for (var i = 0; ; i++)
        {
            var name = $"durable.{i}";
            if ((await cluster.Client.Grain(LeaseKind.Lock, name).Get()).Silo == secondary)
            {
                return name;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"No lock grain activated on the secondary silo in {i + 1} tries over a minute.");
            }

            if (i % 50 == 49)
            {
                await Task.Delay(500);
            }
        }
    }
}
