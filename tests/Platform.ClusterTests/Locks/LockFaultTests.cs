using System.Collections.Concurrent;
using System.Diagnostics;
using Platform.ClusterTests.Cluster;
using Platform.ClusterTests.Harness;
using Platform.ClusterTests.History;
using Platform.Testing.Http;
using Platform.Testing.Waiting;
using Xunit.Abstractions;

namespace Platform.ClusterTests.Locks;

/// <summary>Fencing tokens under a real SIGKILL of the silo process hosting the lock grain (PostgreSQL membership, Azure Table state).</summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class LockFaultTests(ThreeSiloCluster cluster, ITestOutputHelper output)
{
    private const int LeaseMs = 3_000;

    private const int LongLeaseMs = 30_000;

    private static readonly TimeSpan LoadTimeout = TimeSpan.FromSeconds(90);

    /// <summary>
    /// How far the lock grain's lease end may come before the client's request time + lease: all processes share one
    /// machine clock, so this only covers the millisecond rounding of <c>expiresAt</c> and timer resolution.
    /// </summary>
    private static readonly TimeSpan ClockBound = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Six clients contend for one lock over HTTP (acquire, release) while the silo hosting the lock grain is
    /// SIGKILLed. Mutual exclusion holds as the clients saw it: no grant was acknowledged before the previous grant's
    /// lease could have ended (its release was sent, or its lease ran out counted from its request, within the stated
    /// clock bound). No token is handed out twice, and tokens follow real time: a grant acknowledged before another
    /// grant was requested carries the lower token. Acquires were in flight across the kill and grants resumed after
    /// the silo was declared Dead; afterwards the lock's last token is at least every token seen.
    /// </summary>
    [Fact]
    public Task SigKill_LockGrainSilo_MidContendedRun_KeepsMutualExclusionAndTokenOrder() => cluster.RunAsync(output, async () =>
    {
        await cluster.EnsureHealthyAsync();
        var name = $"lock-{Guid.NewGuid().ToString("N")[..8]}";
        var status = await StatusAsync(name);
        var victim = cluster.Silos.Single(s => ClusterView.AddressHasPort(status.Silo!, s.SiloPort)).Index;
        var api = cluster.Api.With(new PlatformApiClientOptions { RequestTimeout = TimeSpan.FromSeconds(10) });
        var lease = TimeSpan.FromMilliseconds(LeaseMs);

        var clock = Stopwatch.StartNew();
        var grants = new ConcurrentQueue<LockGrantRecord>();
        var attempts = new ConcurrentQueue<(TimeSpan Invoked, TimeSpan? Answered)>();
        var refused = 0;
        var indeterminate = 0;
        await using var workload = new ClientWorkload();
        for (var c = 0; c < 6; c++)
        {
            var client = c;
            workload.Start(async stop =>
            {
                var owner = $"client-{client}";
                var random = new Random(client + 1);
                while (!stop.IsCancellationRequested)
                {
                    var invoked = clock.Elapsed;
                    var acquired = await api.AcquireLockAsync(name, owner, leaseMs: LeaseMs, waitMs: 2_000, cancellationToken: CancellationToken.None);
                    var answered = clock.Elapsed;
                    attempts.Enqueue((invoked, ApiOutcome.IsUnknown(acquired) ? null : answered));
                    if (acquired.Status == 200)
                    {
                        // Hold it a little, so a kill finds a holder whose release is not sent yet.
                        var token = acquired.Ok().Token;
                        await Task.Delay(random.Next(20, 150), CancellationToken.None);
                        var releaseSent = clock.Elapsed;
                        var released = await api.ReleaseLockAsync(name, owner, token, CancellationToken.None);

                        // A 409 means the lease was no longer held when the release arrived: it ended by expiry (or
                        // by a wrong grant), so only the expiry bounds it. An unknown release may have applied at once.
                        grants.Enqueue(new LockGrantRecord(client, token, invoked, answered, lease, released.Status == 409 ? null : releaseSent));
                        if (released.Status is not (204 or 409) && !ApiOutcome.IsUnknown(released))
                        {
                            throw ApiOutcome.Unexpected(released, $"release token {token}", "a release answers 204, 409 (lease already gone) or (unknown) 502/503/504/no answer");
                        }
                    }
                    else if (acquired.Status == 409)
                    {
                        Interlocked.Increment(ref refused);
                    }
                    else if (ApiOutcome.IsUnknown(acquired))
                    {
                        Interlocked.Increment(ref indeterminate);
                        await Task.Delay(100, CancellationToken.None);
                    }
                    else
                    {
                        throw ApiOutcome.Unexpected(acquired, $"acquire {name}", "an acquire answers 200, 409 or (unknown) 502/503/504/no answer");
                    }
                }
            });
        }

        await Eventually.Until(() => workload.Check(() => grants.Count >= 40), "40 grants before the kill", LoadTimeout, () => $"{grants.Count} grants, {refused} refused, {indeterminate} unknown");

        // One more client takes the lock right before the kill and holds it across the kill and the hand-over to a
        // new activation, releasing it only after the others have tried to acquire it there: they must wait.
        var holdRequested = clock.Elapsed;
        var hold = await api.AcquireLockAsync(name, "long-holder", leaseMs: LongLeaseMs, waitMs: 20_000, cancellationToken: CancellationToken.None);
        Assert.True(hold.Status == 200, $"the long holder's acquire: {hold}");
        var holdAcknowledged = clock.Elapsed;
        var killedAt = clock.Elapsed;
        cluster.KillSilo(victim);
        output.WriteLine($"SIGKILL {cluster.Silos[victim]} (hosting lock {name}) at {killedAt.TotalSeconds:F2} s after {grants.Count} grants, while the long holder holds token {hold.Ok().Token}");
        await cluster.WaitForViewAsync(v => workload.Check(() => v.IsDeclaredDead(cluster.Silos[victim].SiloPort)), $"silo {victim} declared Dead");
        var detectedAt = clock.Elapsed;
        await Eventually.Until(() => workload.Check(() => attempts.Count(a => a.Invoked > detectedAt && a.Answered is not null) >= 6), "6 acquires answered after the declaration, while the long holder holds the lock", LoadTimeout);
        var holdReleaseSent = clock.Elapsed;
        var holdReleased = await api.ReleaseLockAsync(name, "long-holder", hold.Ok().Token, CancellationToken.None);
        grants.Enqueue(new LockGrantRecord(-1, hold.Ok().Token, holdRequested, holdAcknowledged, TimeSpan.FromMilliseconds(LongLeaseMs), holdReleased.Status == 409 ? null : holdReleaseSent));
        output.WriteLine($"the long holder released at {holdReleaseSent.TotalSeconds:F2} s: {holdReleased}");
        await Eventually.Until(() => workload.Check(() => grants.Count(g => g.Requested > detectedAt) >= 40), "40 grants after the silo was declared Dead", LoadTimeout, () => $"{grants.Count(g => g.Requested > detectedAt)} grants since");
        var firstAfter = grants.Where(g => g.Acknowledged > killedAt).Select(g => g.Acknowledged - killedAt).DefaultIfEmpty(TimeSpan.MaxValue).Min();
        await workload.StopAsync();

        var all = grants.ToList();
        var after = await StatusAsync(name);
        var across = attempts.Count(a => a.Invoked < killedAt && (a.Answered is null || a.Answered > killedAt));
        output.WriteLine($"declared Dead {(detectedAt - killedAt).TotalSeconds:F2} s after the kill; first grant {firstAfter.TotalSeconds:F2} s after it; lock now on {after.Silo}");
        output.WriteLine($"{all.Count} grants ({all.Count(g => g.Acknowledged < killedAt)} before the kill), {refused} refused after waiting, {indeterminate} with unknown outcome, {across} acquires in flight across the kill; last token {after.LastToken}");

        var violations = MutualExclusionChecker.Check(all, ClockBound).ToList();
        var ordered = all.OrderBy(g => g.Acknowledged).ToList();
        foreach (var earlier in ordered)
        {
            violations.AddRange(all.Where(g => g.Requested > earlier.Acknowledged && g.Token <= earlier.Token)
                .Select(later => $"token {later.Token} (requested at {later.Requested.TotalSeconds:F3} s) after token {earlier.Token} (acknowledged at {earlier.Acknowledged.TotalSeconds:F3} s)"));
        }

        foreach (var v in violations.Take(20))
        {
            output.WriteLine("VIOLATION " + v);
        }

        Assert.Empty(violations);
        Assert.True(holdReleased.Status == 204, $"the long holder's lease did not survive the kill: its release answered {holdReleased}");
        Assert.True(across > 0, "no acquire was in flight across the kill");
        Assert.True(after.LastToken >= all.Max(g => g.Token));
        Assert.DoesNotContain(cluster.Silos[victim].Endpoint, after.Silo, StringComparison.Ordinal);
    });

    /// <summary>The lock's status, waiting out a cluster that cannot answer yet.</summary>
    private async Task<LeaseInfo> StatusAsync(string name)
    {
        var answer = await Eventually.Until(ct => cluster.Api.GetLockAsync(name, ct), r => r.Status == 200,
            $"the status of lock {name}", new EventuallyOptions { Timeout = LoadTimeout, Interval = TimeSpan.FromMilliseconds(100) });
        return answer.Ok();
    }
}
