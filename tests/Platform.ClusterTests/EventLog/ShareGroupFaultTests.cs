using System.Collections.Concurrent;
using System.Diagnostics;
using Platform.ClusterTests.Cluster;
using Platform.ClusterTests.Harness;
using Platform.ClusterTests.History;
using Platform.Testing.Http;
using Platform.Testing.Waiting;
using Xunit.Abstractions;

namespace Platform.ClusterTests.EventLog;

/// <summary>A share group under a crashed consumer and a real SIGKILL of the silo of its grain (PostgreSQL membership, Azure Table state).</summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class ShareGroupFaultTests(ThreeSiloCluster cluster, ITestOutputHelper output)
{
    private const int Records = 150;
    private const int VisibilityMs = 4_000;

    private static readonly TimeSpan LoadTimeout = TimeSpan.FromSeconds(120);

    private static readonly string[] Consumers = ["crasher", "a", "b"];

    /// <summary>
    /// Three consumers share one partition, acking each record after "processing" it. One consumer crashes holding
    /// leases (it never settles them), then the silo hosting the share group's grain is SIGKILLed while the other two
    /// keep fetching and acking (a call whose answer is lost is retried; its fetched leases are lost with it). The
    /// recorded history shows: the crashed consumer's records were delivered again, no sooner than their visibility
    /// timeout, with a higher delivery count; no record got two "acked" answers; and the group, re-activated from Azure
    /// Table on another silo, counts every record acknowledged exactly once (150 acks, nothing dead-lettered).
    /// </summary>
    [Fact]
    public Task CrashedConsumer_AndSigKilledShareGroupSilo_RecordsAreRedeliveredAfterTheVisibilityTimeout_AndAckedExactlyOnce() => cluster.RunAsync(output, async () =>
    {
        await cluster.EnsureHealthyAsync();
        var topic = $"shr-{Guid.NewGuid():N}"[..16];
        var group = $"w-{Guid.NewGuid():N}"[..16];
        var api = cluster.Api.With(new PlatformApiClientOptions { Retry = PlatformApiRetry.Bounded(8), RequestTimeout = TimeSpan.FromSeconds(10) });
        (await api.CreateTopicAsync(topic, partitions: 1)).ExpectSuccess();
        for (var i = 0; i < Records; i += 50)
        {
            (await api.ProduceAsync(topic, Enumerable.Range(i, 50).Select(n => ((string?)null, (string?)$"job-{n}")))).ExpectSuccess();
        }

        var raw = cluster.Api.With(new PlatformApiClientOptions { RequestTimeout = TimeSpan.FromSeconds(5) });
        var clock = Stopwatch.StartNew();
        var leases = new ConcurrentQueue<(string Consumer, ShareLeaseAnswer Lease)>();
        var acks = new ConcurrentQueue<(long Offset, string LeaseId, string Outcome)>();
        var abandoned = new ConcurrentDictionary<long, ShareLeaseAnswer>();
        var crashed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var unknownCalls = 0;
        await using var workload = new ClientWorkload();
        foreach (var consumer in Consumers)
        {
            workload.Start(async stop =>
            {
                var acked = 0;
                while (!stop.IsCancellationRequested)
                {
                    var fetched = await raw.ShareFetchAsync(topic, group, max: 3, visibilityMs: VisibilityMs, waitMs: 500, cancellationToken: CancellationToken.None);
                    if (ApiOutcome.IsUnknown(fetched))
                    {
                        Interlocked.Increment(ref unknownCalls);   // whatever it leased runs out and is delivered again
                        await Task.Delay(100, CancellationToken.None);
                        continue;
                    }

                    foreach (var lease in fetched.Ok().Items)
                    {
                        leases.Enqueue((consumer, lease));
                    }

                    if (consumer == "crasher" && acked >= 10 && fetched.Ok().Items.Count > 0)
                    {
                        foreach (var lease in fetched.Ok().Items)
                        {
                            abandoned[lease.Offset] = lease;   // the consumer dies holding these: never settled
                        }

                        crashed.TrySetResult();
                        return;
                    }

                    foreach (var lease in fetched.Ok().Items)
                    {
                        while (true)
                        {
                            var answer = await raw.ShareSettleAsync(topic, group, "ack", [lease.LeaseId], CancellationToken.None);
                            if (ApiOutcome.IsUnknown(answer))
                            {
                                // The ack may have been stored: record it as unknown and ask again with the same lease id.
                                Interlocked.Increment(ref unknownCalls);
                                acks.Enqueue((lease.Offset, lease.LeaseId, "unknown"));
                                await Task.Delay(100, CancellationToken.None);
                                continue;
                            }

                            var status = answer.Ok().Results.Single().Status;
                            if (status is not ("acked" or "expired"))
                            {
                                throw ApiOutcome.Unexpected(answer, $"ack of {lease.LeaseId}", "an ack of a lease this consumer holds answers acked or expired");
                            }

                            acks.Enqueue((lease.Offset, lease.LeaseId, status));
                            acked += status == "acked" ? 1 : 0;
                            break;
                        }
                    }
                }
            });
        }

        await Eventually.Until(() => workload.Check(() => crashed.Task.IsCompleted && acks.Count(a => a.Outcome == "acked") >= 40), "the crasher to crash and 40 acks", LoadTimeout);
        var before = (await api.DescribeShareGroupAsync(topic, group)).Ok().Partitions.Single();
        var victim = cluster.Silos.Single(s => ClusterView.AddressHasPort(before.Silo, s.SiloPort)).Index;
        var killedAt = clock.Elapsed;
        cluster.KillSilo(victim);
        output.WriteLine($"crasher abandoned offsets [{string.Join(",", abandoned.Keys.Order())}]; SIGKILL {cluster.Silos[victim]} hosting the share group at {killedAt.TotalSeconds:F1} s ({before.Acked} acked, next {before.Next})");
        await cluster.WaitForViewAsync(v => workload.Check(() => v.IsDeclaredDead(cluster.Silos[victim].SiloPort)), $"silo {victim} declared Dead");
        output.WriteLine($"declared Dead {(clock.Elapsed - killedAt).TotalSeconds:F1} s after the kill");

        var after = await Eventually.Until(async ct => (await api.DescribeShareGroupAsync(topic, group, ct)).Ok().Partitions.Single(),
            p => workload.Check(() => p.Start == Records && p.Leased + p.Redeliverable == 0), "every record to be acknowledged",
            new EventuallyOptions { Timeout = LoadTimeout });
        await workload.StopAsync();

        var history = leases.ToList();
        var acked = acks.Where(a => a.Outcome == "acked").GroupBy(a => a.Offset).ToDictionary(g => g.Key, g => g.Count());
        var unknownAcks = acks.Where(a => a.Outcome == "unknown").Select(a => a.Offset).ToHashSet();
        output.WriteLine($"{history.Count} leases ({history.Count(h => h.Lease.DeliveryCount > 1)} redeliveries), {acked.Count} definite acks, {unknownAcks.Count} acks with an unknown outcome, {unknownCalls} calls unknown; group now on {after.Silo}: {after.Acked} acked, {after.DeadLettered} dead-lettered");

        Assert.True(acked.All(a => a.Value == 1), $"acknowledged twice: {string.Join(", ", acked.Where(a => a.Value > 1).Select(a => a.Key))}");
        var missing = Enumerable.Range(0, Records).Select(i => (long)i).Where(o => !acked.ContainsKey(o) && !unknownAcks.Contains(o)).ToList();
        Assert.True(missing.Count == 0, $"never acknowledged: {string.Join(", ", missing)}");
        Assert.Equal(((long)Records, 0L), (after.Acked, after.DeadLettered));   // the grain's own count: every record acked exactly once
        Assert.False(ClusterView.AddressHasPort(after.Silo, cluster.Silos[victim].SiloPort), "the share group answered from the killed silo");

        Assert.NotEmpty(abandoned);
        foreach (var (offset, lost) in abandoned)
        {
            var again = history.Where(h => h.Consumer != "crasher" && h.Lease.Offset == offset && h.Lease.DeliveryCount > lost.DeliveryCount).Select(h => h.Lease).ToList();
            Assert.True(again.Count > 0, $"abandoned offset {offset} was not delivered again");

            // Server times: the redelivery's lease began (LeasedUntil - visibility) no sooner than the abandoned lease ended.
            var first = again.MinBy(l => l.LeasedUntil)!;
            Assert.True(first.LeasedUntil - TimeSpan.FromMilliseconds(VisibilityMs) >= lost.LeasedUntil - TimeSpan.FromMilliseconds(50),
                $"offset {offset} delivered again at {first.LeasedUntil.AddMilliseconds(-VisibilityMs):O}, before its abandoned lease ended at {lost.LeasedUntil:O}");
        }
    });
}
