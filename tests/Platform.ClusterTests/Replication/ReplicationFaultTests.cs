using System.Diagnostics;
using Platform.ClusterTests.Harness;
using Xunit.Abstractions;

namespace Platform.ClusterTests.Replication;

/// <summary>
/// Replicated namespaces on real silo processes under the nemesis: SIGKILL of the silo hosting a group's leader,
/// SIGSTOP of it past the election timeout and resumed, and an iptables partition of it, while Jepsen's register
/// workload (strong reads, blind writes, compare-and-set) runs on keys of that group and writers create distinct keys
/// across every shard. Checked: each key's history is linearizable, every acknowledged write reads back, no term had
/// two leaders and committed entries agree across the replicas' logs, and the group returns to full strength (a
/// replacement caught up by snapshot) once the silo is back. The same runs on memory storage and on Azure Table
/// storage (one subclass each, one three-silo cluster per collection); the memory subclass adds the ack-level and
/// read-consistency runs.
/// </summary>
public abstract class ReplicationFaultTests(ProcessCluster cluster, ITestOutputHelper output) : ReplicationFaultTestBase(cluster, output)
{
    /// <summary>
    /// SIGKILL of the silo hosting a group's leader under the register workload and writers: a new leader is elected
    /// among the survivors, the history is linearizable, every acknowledged write reads back, the logs agree, and when
    /// the silo restarts the group is whole again (three voters on three silos).
    /// </summary>
    [Fact]
    public Task SigKill_of_the_leaders_silo_loses_no_acknowledged_write_and_stays_linearizable() => KillTheLeadersSiloAsync("majority");

    /// <summary>The SIGKILL run at one ack level (<c>majority</c> here, <c>all</c> on memory storage).</summary>
    protected Task KillTheLeadersSiloAsync(string ack) => Cluster.RunAsync(Output, async () =>
    {
        var run = await StartRunAsync($"kill-{ack}", ack);
        await run.WarmUpAsync();
        var killed = Stopwatch.GetTimestamp();
        var killedAt = run.Clock.Elapsed;
        Cluster.KillSilo(run.Victim);
        Output.WriteLine($"SIGKILL {Cluster.Silos[run.Victim]} at {killedAt.TotalSeconds:F2} s: it hosts the leader of shard {run.Shard} ({string.Join(", ", run.Keys)})");

        var failover = await run.WaitForSuccessesAfterAsync(killed, "the SIGKILL");
        Output.WriteLine($"first acknowledged write on the victim's group {(failover - killedAt).TotalSeconds:F2} s after the kill");
        await run.StopAsync();

        var failures = run.CheckRegisters();
        failures.AddRange(run.FaultMattered(killed, "the SIGKILL"));
        failures.AddRange(await run.ReadBackAsync(mustKeep: true));

        await Cluster.RestartSiloAsync(run.Victim);
        var whole = await WaitWholeAsync(run.Namespace);
        Output.WriteLine($"whole again after the restart: {Describe(whole)}");
        failures.AddRange(await CheckLogsAsync(run.Namespace, run.Shards));
        Assert.Empty(failures);
    });

    /// <summary>
    /// SIGSTOP of the leader's silo for longer than the election timeout, then SIGCONT: the others elect a new leader;
    /// the resumed one may still believe it leads, but cannot acknowledge a write or confirm a strong read in its old
    /// term. The history is linearizable and every acknowledged write reads back.
    /// </summary>
    [Fact]
    public Task SigStop_of_the_leader_past_the_election_timeout_stays_linearizable() => Cluster.RunAsync(Output, async () =>
    {
        var run = await StartRunAsync("stop", "majority");
        await run.WarmUpAsync();
        var paused = Stopwatch.GetTimestamp();
        Cluster.PauseSilo(run.Victim);
        Output.WriteLine($"SIGSTOP {Cluster.Silos[run.Victim]} at {run.Clock.Elapsed.TotalSeconds:F2} s");
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Cluster.ResumeSilo(run.Victim);
        Output.WriteLine($"SIGCONT at {run.Clock.Elapsed.TotalSeconds:F2} s");
        await run.WaitForSuccessesAfterAsync(paused, "the SIGSTOP");
        await run.StopAsync();

        var failures = run.CheckRegisters();
        failures.AddRange(run.FaultMattered(paused, "the SIGSTOP"));
        failures.AddRange(await run.ReadBackAsync(mustKeep: true));
        failures.AddRange(await CheckLogsAsync(run.Namespace, run.Shards));
        Assert.Empty(failures);
    });

    /// <summary>
    /// The leader's silo cut off by iptables (no packet to or from its silo and gateway ports) for 2.5 s, then
    /// reconnected: a new leader is elected on the majority side; the history is linearizable and every acknowledged
    /// write reads back.
    /// </summary>
    [Fact]
    public Task Partition_of_the_leaders_silo_stays_linearizable() => Cluster.RunAsync(Output, async () =>
    {
        Assert.True(NetworkPartition.IsSupported, NetworkPartition.UnsupportedReason);
        var run = await StartRunAsync("part", "majority");
        await run.WarmUpAsync();
        var cut = Stopwatch.GetTimestamp();
        using (NetworkPartition.Isolate(Cluster.Silos[run.Victim]))
        {
            Output.WriteLine($"partitioned {Cluster.Silos[run.Victim]} at {run.Clock.Elapsed.TotalSeconds:F2} s");
            await Task.Delay(TimeSpan.FromSeconds(2.5));
        }

        Output.WriteLine($"healed at {run.Clock.Elapsed.TotalSeconds:F2} s");
        await run.WaitForSuccessesAfterAsync(cut, "the partition");
        await run.StopAsync();

        var failures = run.CheckRegisters();
        failures.AddRange(await run.ReadBackAsync(mustKeep: true));
        failures.AddRange(await CheckLogsAsync(run.Namespace, run.Shards));
        Assert.Empty(failures);
    });
}
