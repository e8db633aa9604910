using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Platform.ClusterTests.Cluster;
using Platform.ClusterTests.Harness;
using Platform.Testing.Http;
using Platform.Testing.Waiting;
using Xunit.Abstractions;

namespace Platform.ClusterTests.Locks;

/// <summary>Fencing tokens under a real SIGKILL of the silo process hosting the lock grain (PostgreSQL membership, Azure Table state).</summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class LockFaultTests(ThreeSiloCluster cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan LoadTimeout = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Six clients contend for one lock over HTTP (acquire, release) while the silo hosting the lock grain is
    /// SIGKILLed. No token is handed out twice, and tokens follow real time: a grant acknowledged before another grant
    /// was requested carries the lower token. After the kill, the lock's last token is at least every token seen.
    /// </summary>
    [Fact]
    public Task SigKill_LockGrainSilo_MidContendedRun_NeverHandsOutATokenTwiceOrOutOfOrder() => cluster.RunAsync(output, async () =>
    {
        await cluster.EnsureHealthyAsync();
        var name = $"lock-{Guid.NewGuid().ToString("N")[..8]}";
        var status = await StatusAsync(name);
        var victim = cluster.Silos.Single(s => ClusterView.AddressHasPort(status.Silo!, s.SiloPort)).Index;
        var api = cluster.Api.With(new PlatformApiClientOptions { RequestTimeout = TimeSpan.FromSeconds(30) });

        var clock = Stopwatch.StartNew();
        var grants = new ConcurrentQueue<(int Client, long Token, TimeSpan Invoked, TimeSpan Acked)>();
        var refused = 0;
        var indeterminate = 0;
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 6).Select(c => Task.Run(async () =>
        {
            var owner = $"client-{c}";
            while (!stop.IsCancellationRequested)
            {
                var invoked = clock.Elapsed;
                var acquired = await api.AcquireLockAsync(name, owner, leaseMs: 3_000, waitMs: 2_000);
                if (acquired.StatusCode == HttpStatusCode.OK)
                {
                    var token = acquired.Ok().Token;
                    grants.Enqueue((c, token, invoked, clock.Elapsed));
                    await api.ReleaseLockAsync(name, owner, token);
                }
                else if (acquired.StatusCode == HttpStatusCode.Conflict)
                {
                    Interlocked.Increment(ref refused);
                }
                else
                {
                    Interlocked.Increment(ref indeterminate);
                    await Task.Delay(100);
                }
            }
        })).ToArray();

        try
        {
            await Eventually.Until(() => grants.Count >= 40, "40 grants before the kill", LoadTimeout, () => $"{grants.Count} grants, {refused} refused, {indeterminate} unknown");
            var killedAt = clock.Elapsed;
            cluster.KillSilo(victim);
            output.WriteLine($"SIGKILL {cluster.Silos[victim]} (hosting lock {name}) at {killedAt.TotalSeconds:F2} s after {grants.Count} grants");
            await cluster.WaitForViewAsync(v => v.IsDeclaredDead(cluster.Silos[victim].SiloPort), $"silo {victim} declared Dead");
            var detectedAt = clock.Elapsed;
            await Eventually.Until(() => grants.Count(g => g.Invoked > detectedAt) >= 40, "40 grants after the silo was declared Dead", LoadTimeout, () => $"{grants.Count(g => g.Invoked > detectedAt)} grants since");
            var firstAfter = grants.Where(g => g.Acked > killedAt).Select(g => g.Acked - killedAt).DefaultIfEmpty(TimeSpan.MaxValue).Min();
            await stop.CancelAsync();
            await Task.WhenAll(clients);

            var all = grants.ToList();
            var after = await StatusAsync(name);
            output.WriteLine($"declared Dead {(detectedAt - killedAt).TotalSeconds:F2} s after the kill; first grant {firstAfter.TotalSeconds:F2} s after it; lock now on {after.Silo}");
            output.WriteLine($"{all.Count} grants ({all.Count(g => g.Acked < killedAt)} before the kill), {refused} refused after waiting, {indeterminate} with unknown outcome; last token {after.LastToken}");

            Assert.Equal(all.Count, all.Select(g => g.Token).Distinct().Count());
            var ordered = all.OrderBy(g => g.Acked).ToList();
            foreach (var earlier in ordered)
            {
                foreach (var later in all.Where(g => g.Invoked > earlier.Acked))
                {
                    Assert.True(later.Token > earlier.Token, $"token {later.Token} (requested at {later.Invoked.TotalSeconds:F3} s) after token {earlier.Token} (acknowledged at {earlier.Acked.TotalSeconds:F3} s)");
                }
            }

            Assert.True(after.LastToken >= all.Max(g => g.Token));
            Assert.DoesNotContain(cluster.Silos[victim].Endpoint, after.Silo, StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(clients);
        }
    });

    /// <summary>The lock's status, waiting out a cluster that cannot answer yet.</summary>
    private async Task<LeaseInfo> StatusAsync(string name)
    {
        var answer = await Eventually.Until(ct => cluster.Api.GetLockAsync(name, ct), r => r.StatusCode == HttpStatusCode.OK,
            $"the status of lock {name}", new EventuallyOptions { Timeout = LoadTimeout, Interval = TimeSpan.FromMilliseconds(100) });
        return answer.Ok();
    }
}
