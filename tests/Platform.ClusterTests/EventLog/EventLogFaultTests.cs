using System.Collections.Concurrent;
using System.Diagnostics;
using Platform.ClusterTests.Cluster;
using Platform.ClusterTests.Harness;
using Platform.ClusterTests.History;
using Platform.Testing.Http;
using Platform.Testing.Waiting;
using Xunit.Abstractions;

namespace Platform.ClusterTests.EventLog;

/// <summary>The event log under a real SIGKILL of a silo hosting partitions (PostgreSQL membership, Azure Table segments).</summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class EventLogFaultTests(ThreeSiloCluster cluster, ITestOutputHelper output)
{
    private const int Partitions = 6;
    private const int Producers = 4;
    private const int BatchSize = 5;

    private static readonly TimeSpan LoadTimeout = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Four idempotent producers send keyed batches (4 keys each) while the silo hosting the most partitions is
    /// SIGKILLed; a batch whose answer is unknown (no answer, 502/503/504) is retried with the same producer id,
    /// epoch and sequence until it is answered. Afterwards every partition is read back: every acknowledged record is
    /// there exactly once at the offset it was acknowledged with, no record is stored twice (retries included), and
    /// each key's records are in the producer's order. Produces were in flight across the kill and succeeded after
    /// the silo was declared Dead.
    /// </summary>
    [Fact]
    public Task SigKill_PartitionSilo_DuringIdempotentProduce_EveryAcknowledgedRecordReadsBackOnce_InKeyOrder() => cluster.RunAsync(output, async () =>
    {
        await cluster.EnsureHealthyAsync();
        var topic = $"log-{Guid.NewGuid():N}"[..16];
        var api = cluster.Api.With(new PlatformApiClientOptions { RequestTimeout = TimeSpan.FromSeconds(10) });
        (await api.CreateTopicAsync(topic, partitions: Partitions)).ExpectSuccess();
        var placement = (await api.GetTopicAsync(topic)).Ok().Offsets!;
        var victim = cluster.Silos.Select(s => (s.Index, Hosted: placement.Count(p => ClusterView.AddressHasPort(p.Silo!, s.SiloPort))))
            .OrderByDescending(s => s.Hosted).First();
        output.WriteLine($"partitions on silos: {string.Join(", ", placement.Select(p => $"{p.Partition}@{p.Silo}"))}; victim silo {victim.Index} hosts {victim.Hosted}");

        var clock = Stopwatch.StartNew();
        var acknowledged = new ConcurrentDictionary<string, ProducedRecord>();
        var calls = new ConcurrentQueue<(TimeSpan Invoked, TimeSpan Answered, bool Ok)>();
        var retries = 0;
        await using var workload = new ClientWorkload();
        for (var p = 0; p < Producers; p++)
        {
            var producer = p;
            workload.Start(async stop =>
            {
                long sequence = 0;
                while (!stop.IsCancellationRequested)
                {
                    var batch = Enumerable.Range(0, BatchSize).Select(i => ((string?)$"p{producer}-k{(sequence + i) % 4}", (string?)$"p{producer}-{sequence + i}")).ToList();
                    while (true)
                    {
                        var invoked = clock.Elapsed;
                        var answer = await api.ProduceAsync(topic, batch, ($"producer-{producer}", 0, sequence), CancellationToken.None);
                        calls.Enqueue((invoked, clock.Elapsed, answer.Status == 200));
                        if (answer.Status == 200)
                        {
                            var records = answer.Ok().Records;
                            for (var i = 0; i < batch.Count; i++)
                            {
                                acknowledged[batch[i].Item2!] = records[i];
                            }

                            break;
                        }

                        if (!ApiOutcome.IsUnknown(answer))
                        {
                            throw ApiOutcome.Unexpected(answer, $"produce producer-{producer} sequence {sequence}", "a produce answers 200 or (unknown) 502/503/504/no answer");
                        }

                        // Unknown outcome: the same batch again, same identity, until it is answered (or the run stops: then unknown).
                        Interlocked.Increment(ref retries);
                        if (stop.IsCancellationRequested)
                        {
                            return;
                        }

                        await Task.Delay(100, CancellationToken.None);
                    }

                    sequence += BatchSize;
                }
            });
        }

        await Eventually.Until(() => workload.Check(() => acknowledged.Count >= 200), "200 acknowledged records before the kill", LoadTimeout, () => $"{acknowledged.Count} acknowledged");
        var killedAt = clock.Elapsed;
        cluster.KillSilo(victim.Index);
        output.WriteLine($"SIGKILL {cluster.Silos[victim.Index]} at {killedAt.TotalSeconds:F2} s after {acknowledged.Count} acknowledged records");
        await cluster.WaitForViewAsync(v => workload.Check(() => v.IsDeclaredDead(cluster.Silos[victim.Index].SiloPort)), $"silo {victim.Index} declared Dead");
        var deadAt = clock.Elapsed;
        await Eventually.Until(() => workload.Check(() => calls.Count(c => c.Invoked > deadAt && c.Ok) >= 40), "40 produces acknowledged after the declaration", LoadTimeout,
            () => $"{calls.Count(c => c.Invoked > deadAt && c.Ok)} since");
        await workload.StopAsync();

        var across = calls.Count(c => c.Invoked < killedAt && c.Answered > killedAt);
        output.WriteLine($"declared Dead {(deadAt - killedAt).TotalSeconds:F2} s after the kill; {calls.Count} produce calls, {across} in flight across the kill, {retries} retried after an unknown outcome; {acknowledged.Count} records acknowledged");
        Assert.True(across > 0, "no produce was in flight across the kill");

        var stored = new List<(int Partition, LogRecordAnswer Record)>();
        for (var partition = 0; partition < Partitions; partition++)
        {
            long offset = 0;
            while (true)
            {
                var page = (await api.ReadAsync(topic, partition, offset, limit: 1000)).Ok();
                if (page.Items.Count == 0)
                {
                    break;
                }

                stored.AddRange(page.Items.Select(r => (partition, r)));
                offset = page.NextOffset;
            }
        }

        var duplicates = stored.GroupBy(s => s.Record.Value).Where(g => g.Count() > 1).Select(g => $"{g.Key} x{g.Count()}").ToList();
        Assert.True(duplicates.Count == 0, $"stored more than once: {string.Join(", ", duplicates.Take(20))}");
        var byValue = stored.ToDictionary(s => s.Record.Value!, s => new ProducedRecord(s.Partition, s.Record.Offset));
        var lost = acknowledged.Where(a => !byValue.TryGetValue(a.Key, out var at) || at != a.Value).Select(a => a.Key).ToList();
        Assert.True(lost.Count == 0, $"acknowledged but not read back where acknowledged: {string.Join(", ", lost.Take(20))}");
        foreach (var key in stored.GroupBy(s => s.Record.Key))
        {
            var sequences = key.OrderBy(s => s.Record.Offset).Select(s => long.Parse(s.Record.Value![(s.Record.Value!.IndexOf('-', StringComparison.Ordinal) + 1)..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.True(sequences.SequenceEqual(sequences.Order()), $"key {key.Key} out of producer order: {string.Join(",", sequences.Take(40))}");
            Assert.Single(key.Select(s => s.Partition).Distinct());
        }

        output.WriteLine($"{stored.Count} records stored, {acknowledged.Count} acknowledged, none twice, every key in order");
    });
    /// <summary>
    /// A consumer group whose grain's silo is SIGKILLed keeps its generation and committed offsets (Azure Table state);
    /// a member that then stops heartbeating (a paused zombie) is removed after its session timeout on the new
    /// activation, the live member gets all partitions in a higher generation, and the zombie's commit is refused
    /// with 409 while the live member's is stored.
    /// </summary>
    [Fact]
    public Task SigKill_GroupSilo_OffsetsAndGenerationSurvive_AndAZombiesCommitIsRefused() => cluster.RunAsync(output, async () =>
    {
        await cluster.EnsureHealthyAsync();
        var topic = $"grp-{Guid.NewGuid():N}"[..16];
        var group = $"g-{Guid.NewGuid():N}"[..16];
        var api = cluster.Api.With(new PlatformApiClientOptions { Retry = PlatformApiRetry.Bounded(8), RequestTimeout = TimeSpan.FromSeconds(10) });
        (await api.CreateTopicAsync(topic, partitions: 4)).ExpectSuccess();
        var zombie = (await api.JoinGroupAsync(group, [topic], sessionTimeoutMs: 4_000)).Ok();
        var live = (await api.JoinGroupAsync(group, [topic], sessionTimeoutMs: 60_000)).Ok();
        zombie = (await api.JoinGroupAsync(group, [topic], memberId: zombie.MemberId, sessionTimeoutMs: 4_000)).Ok();
        live = (await api.JoinGroupAsync(group, [topic], memberId: live.MemberId, sessionTimeoutMs: 60_000, waitMs: 5_000)).Ok();
        Assert.Equal(2, zombie.Assignment.Count);
        (await api.CommitAsync(group, zombie.MemberId, zombie.Generation, zombie.Assignment.Select(a => (topic, a.Partition, 7L)))).ExpectSuccess();
        (await api.CommitAsync(group, live.MemberId, live.Generation, live.Assignment.Select(a => (topic, a.Partition, 3L)))).ExpectSuccess();

        var before = (await api.DescribeGroupAsync(group)).Ok();
        var victim = cluster.Silos.Single(s => ClusterView.AddressHasPort(before.Silo!, s.SiloPort)).Index;
        cluster.KillSilo(victim);
        output.WriteLine($"SIGKILL {cluster.Silos[victim]} hosting group {group} (generation {before.Generation})");
        await cluster.WaitForViewAsync(v => v.IsDeclaredDead(cluster.Silos[victim].SiloPort), $"silo {victim} declared Dead");

        var after = await Eventually.Until(async ct => await api.DescribeGroupAsync(group, ct), r => r.Status == 200, "the group to answer from another silo",
            new EventuallyOptions { Timeout = LoadTimeout });
        var view = after.Ok();
        output.WriteLine($"group now on {view.Silo}, generation {view.Generation}, {view.Members.Count} members");
        Assert.Equal(before.Generation, view.Generation);
        Assert.Equal(before.Partitions.Select(p => (p.Partition, p.Committed)), view.Partitions.Select(p => (p.Partition, p.Committed)));

        // The live member heartbeats; the zombie is silent until its session ends on the new activation.
        await Eventually.Until(async ct =>
        {
            (await api.HeartbeatAsync(group, live.MemberId, live.Generation, ct)).ExpectSuccess();
            return (await api.DescribeGroupAsync(group, ct)).Ok().Members.Count == 1;
        }, "the zombie's session to end", LoadTimeout);
        live = (await api.JoinGroupAsync(group, [topic], memberId: live.MemberId, sessionTimeoutMs: 60_000)).Ok();
        Assert.Equal(4, live.Assignment.Count);
        Assert.True(live.Generation > zombie.Generation);
        var refused = await api.CommitAsync(group, zombie.MemberId, zombie.Generation, [(topic, zombie.Assignment[0].Partition, 50)]);
        Assert.True(refused.Status == 409, $"the zombie's commit: {refused}");
        (await api.CommitAsync(group, live.MemberId, live.Generation, [(topic, zombie.Assignment[0].Partition, 8)])).ExpectSuccess();
        Assert.Equal(8, (await api.DescribeGroupAsync(group)).Ok().Partitions.Single(p => p.Partition == zombie.Assignment[0].Partition).Committed);
    });
}
