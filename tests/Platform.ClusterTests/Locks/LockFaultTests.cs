using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.ClusterTests.Cluster;
using Platform.ClusterTests.Harness;
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
        var victim = cluster.Silos.Single(s => ClusterView.AddressHasPort(status.GetProperty("silo").GetString()!, s.SiloPort)).Index;

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
                var (code, body) = await PostAsync($"/v1/locks/{name}/acquire", new { owner, leaseMs = 3_000, waitMs = 2_000 });
                if (code == HttpStatusCode.OK)
                {
                    var token = body!.Value.GetProperty("token").GetInt64();
                    grants.Enqueue((c, token, invoked, clock.Elapsed));
                    await PostAsync($"/v1/locks/{name}/release", new { owner, token });
                }
                else if (code == HttpStatusCode.Conflict)
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
            await WaitUntilAsync(() => grants.Count >= 40, "40 grants before the kill");
            var killedAt = clock.Elapsed;
            cluster.KillSilo(victim);
            output.WriteLine($"SIGKILL {cluster.Silos[victim]} (hosting lock {name}) at {killedAt.TotalSeconds:F2} s after {grants.Count} grants");
            await cluster.WaitForViewAsync(v => v.IsDeclaredDead(cluster.Silos[victim].SiloPort), $"silo {victim} declared Dead");
            var detectedAt = clock.Elapsed;
            await WaitUntilAsync(() => grants.Count(g => g.Invoked > detectedAt) >= 40, "40 grants after the silo was declared Dead");
            var firstAfter = grants.Where(g => g.Acked > killedAt).Select(g => g.Acked - killedAt).DefaultIfEmpty(TimeSpan.MaxValue).Min();
            await stop.CancelAsync();
            await Task.WhenAll(clients);

            var all = grants.ToList();
            var after = await StatusAsync(name);
            output.WriteLine($"declared Dead {(detectedAt - killedAt).TotalSeconds:F2} s after the kill; first grant {firstAfter.TotalSeconds:F2} s after it; lock now on {after.GetProperty("silo").GetString()}");
            output.WriteLine($"{all.Count} grants ({all.Count(g => g.Acked < killedAt)} before the kill), {refused} refused after waiting, {indeterminate} with unknown outcome; last token {after.GetProperty("lastToken").GetInt64()}");

            Assert.Equal(all.Count, all.Select(g => g.Token).Distinct().Count());
            var ordered = all.OrderBy(g => g.Acked).ToList();
            foreach (var earlier in ordered)
            {
                foreach (var later in all.Where(g => g.Invoked > earlier.Acked))
                {
                    Assert.True(later.Token > earlier.Token, $"token {later.Token} (requested at {later.Invoked.TotalSeconds:F3} s) after token {earlier.Token} (acknowledged at {earlier.Acked.TotalSeconds:F3} s)");
                }
            }

            Assert.True(after.GetProperty("lastToken").GetInt64() >= all.Max(g => g.Token));
            Assert.DoesNotContain(cluster.Silos[victim].Endpoint, after.GetProperty("silo").GetString());
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(clients);
        }
    });

    private async Task<JsonElement> StatusAsync(string name)
    {
        JsonElement? status = null;
        await WaitUntilAsync(async () =>
        {
            try
            {
                using var response = await cluster.Http.GetAsync($"/v1/locks/{name}");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    status = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }

            return status is not null;
        }, $"the status of lock {name}");
        return status!.Value;
    }

    /// <summary>Transport failures and timeouts come back as status 0 (unknown outcome).</summary>
    private async Task<(HttpStatusCode Code, JsonElement? Body)> PostAsync(string url, object body)
    {
        try
        {
            using var response = await cluster.Http.PostAsJsonAsync(url, body);
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return (0, null);
        }
    }

    private static Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > LoadTimeout)
            {
                throw new TimeoutException($"Waited {LoadTimeout.TotalSeconds:F0} s for {what}.");
            }

            await Task.Delay(100);
        }
    }
}
