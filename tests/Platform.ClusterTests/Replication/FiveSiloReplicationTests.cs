using System.Diagnostics;
using Platform.ClusterTests.Harness;
using Xunit.Abstractions;

namespace Platform.ClusterTests.Replication;

/// <summary>
/// Groups of five on five silo processes on memory storage: replication alone keeps what was acknowledged, so a
/// group of five (and the system group holding the namespace settings) survives the loss of any two silos.
/// </summary>
[Collection(MemoryFiveSiloCollection.Name)]
public sealed class FiveSiloReplicationTests(MemoryFiveSiloCluster cluster, ITestOutputHelper output) : ReplicationFaultTestBase(cluster, output)
{
    protected override int Replicas => 5;

    /// <summary>
    /// SIGKILL of two silos of five while writers create keys on every shard and the register workload runs on shard
    /// 0's keys: the leader's silo of shard 0 first, then another while the group elects; the three survivors keep a
    /// majority of every group, every write acknowledged at <c>majority</c> reads back, the history is linearizable,
    /// and the logs agree.
    /// </summary>
    [Fact]
    public Task SigKill_of_two_silos_of_five_loses_no_acknowledged_write() => Cluster.RunAsync(Output, async () =>
    {
        var run = await StartRunAsync("kill2of5", "majority");
        await run.WarmUpAsync();
        var killed = Stopwatch.GetTimestamp();
        var second = (run.Victim + 1) % Cluster.Silos.Count;
        Cluster.KillSilo(run.Victim);
        Cluster.KillSilo(second);
        Output.WriteLine($"SIGKILL {Cluster.Silos[run.Victim]} (leader of shard {run.Shard}) and {Cluster.Silos[second]} at {run.Clock.Elapsed.TotalSeconds:F2} s");

        await run.WaitForSuccessesAfterAsync(killed, "the two SIGKILLs");
        await run.StopAsync();

        var failures = run.CheckRegisters();
        failures.AddRange(await run.ReadBackAsync(mustKeep: true));
        failures.AddRange(await CheckLogsAsync(run.Namespace, run.Shards));
        Assert.Empty(failures);
    });
}
