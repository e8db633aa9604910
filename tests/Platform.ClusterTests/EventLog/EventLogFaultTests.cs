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
}
