using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using Platform.Errors;
using Platform.KeyValue;
using Platform.Replication;
using Platform.Sharding;
using Platform.Testing.Waiting;

namespace Platform.Tests.Replication;

/// <summary>
/// The group client's leader calls against scripted replicas on fake time: a leader whose silo answers nothing (as a
/// SIGKILLed one does until Orleans declares it dead) costs one election timeout, not the attempt timeout.
/// </summary>
public sealed class ReplicaGroupClientTests
{
    private static readonly ReplicationOptions Options = new();

    private static readonly TimeSpan ElectionTimeout = Options.TickInterval * Options.ElectionTicks;

    private readonly FakeTimeProvider _time = new();

    private static ShardId Group => new("ns", 1, 0);

    private static KeyValueWriteRequest Put => new() { Key = "k", Value = [1] };

    [Fact]
    public async Task Write_WhenTheLeaderNeverAnswers_AsksTheNextReplicaAfterOneElectionTimeout_AndReturnsItsAnswer()
    {
        var replicas = new ScriptedReplicas(
            _ => null,
            _ => Ok(),
            _ => NotLeader(1));
        var client = new ReplicaGroupClient(replicas, Options, _time);

        var write = client.WriteAsync(Group, 3, Put, CancellationToken.None);
        var advanced = await _time.AdvanceUntilAsync(() => write.IsCompleted, TimeSpan.FromMilliseconds(50), Options.AttemptTimeout - TimeSpan.FromMilliseconds(50), "the write to complete");

        Assert.Equal(ReplicaCallStatus.Ok, (await write).Status);
        Assert.True(advanced >= ElectionTimeout, $"answered after {advanced}, before one election timeout ({ElectionTimeout})");
        Assert.Equal([0, 1], replicas.Asked.Select(a => a.Replica));
        Assert.Single(replicas.Asked.Select(a => a.RequestId).Distinct());
        Assert.Equal(1, client.LeaderOf(Group));
    }

    [Fact]
    public async Task Write_FollowsTheHintOfTheReplicaAskedBesideASilentLeader()
    {
        var replicas = new ScriptedReplicas(
            _ => null,
            _ => NotLeader(2),
            _ => Ok());
        var client = new ReplicaGroupClient(replicas, Options, _time);

        var write = client.WriteAsync(Group, 3, Put, CancellationToken.None);
        await _time.AdvanceUntilAsync(() => write.IsCompleted, TimeSpan.FromMilliseconds(50), Options.AttemptTimeout - TimeSpan.FromMilliseconds(50), "the write to complete");

        Assert.Equal(ReplicaCallStatus.Ok, (await write).Status);
        Assert.Equal([0, 1, 2], replicas.Asked.Select(a => a.Replica));
        Assert.Equal(2, client.LeaderOf(Group));
    }

    [Fact]
    public async Task Write_WhileTheLeaderIsSlowButAlive_WaitsForItsAnswer_WithOneCallInFlightPerReplica()
    {
        var slow = new TaskCompletionSource<ReplicaWriteResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var replicas = new ScriptedReplicas(
            _ => slow.Task,
            _ => NotLeader(0),
            _ => NotLeader(0));
        var client = new ReplicaGroupClient(replicas, Options, _time);

        var write = client.WriteAsync(Group, 3, Put, CancellationToken.None);
        await _time.AdvanceUntilAsync(() => replicas.Asked.Count >= 3, TimeSpan.FromMilliseconds(50), Options.AttemptTimeout - TimeSpan.FromMilliseconds(100), "both followers asked");
        slow.SetResult(new ReplicaWriteResult { Status = ReplicaCallStatus.Ok, Term = 2 });
        await _time.AdvanceUntilAsync(() => write.IsCompleted, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(100), "the write to complete");

        Assert.Equal(ReplicaCallStatus.Ok, (await write).Status);
        Assert.Equal(1, replicas.Asked.Count(a => a.Replica == 0));
        Assert.Equal(0, client.LeaderOf(Group));
    }

    [Fact]
    public async Task Write_WhenNoReplicaAnswers_FailsUnavailableAtTheWriteTimeout()
    {
        var replicas = new ScriptedReplicas(_ => null, _ => null, _ => null);
        var client = new ReplicaGroupClient(replicas, Options, _time);

        var write = client.WriteAsync(Group, 3, Put, CancellationToken.None);
        await _time.AdvanceUntilAsync(() => write.IsCompleted, TimeSpan.FromMilliseconds(100), Options.WriteTimeout + TimeSpan.FromSeconds(1), "the write to fail");

        await Assert.ThrowsAsync<PlatformUnavailableException>(() => write);
        Assert.All(replicas.Asked.GroupBy(a => a.Replica), g => Assert.True(g.Count() <= 3, $"replica {g.Key} asked {g.Count()} times"));
    }

    private static Task<ReplicaWriteResult>? Ok() => Task.FromResult(new ReplicaWriteResult { Status = ReplicaCallStatus.Ok, Term = 2 });

    private static Task<ReplicaWriteResult>? NotLeader(int hint) => Task.FromResult(new ReplicaWriteResult { Status = ReplicaCallStatus.NotLeader, LeaderHint = hint, Term = 2 });

    /// <summary>A grain factory whose replica grains answer writes by script: null never answers.</summary>
    private sealed class ScriptedReplicas(params Func<ReplicaWrite, Task<ReplicaWriteResult>?>[] scripts) : ReplicaSlotGrainFactory
    {
        public ConcurrentQueue<(int Replica, Guid RequestId)> Asked { get; } = new();

        protected override object Replica(int slot) => new ScriptedReplica(this, slot, scripts[slot]);
    }

    private sealed class ScriptedReplica(ScriptedReplicas owner, int replica, Func<ReplicaWrite, Task<ReplicaWriteResult>?> script) : IReplicaGrain
    {
        public Task<ReplicaWriteResult> Write(ReplicaWrite write)
        {
            owner.Asked.Enqueue((replica, write.RequestId));
            return script(write) ?? new TaskCompletionSource<ReplicaWriteResult>().Task;
        }

        public Task Deliver(ReplicaPacket packet) => throw new NotSupportedException();

        public Task<ReplicaReadResult> Read(ReplicaRead read) => throw new NotSupportedException();

        public Task<ReplicaListResult> ListKeys(ReplicaRead read, string prefix, string? after, int limit) => throw new NotSupportedException();

        public Task<ReplicaStatus> Status() => throw new NotSupportedException();

        public Task<ReplicaLogDump> DumpLog() => throw new NotSupportedException();

        public Task Drop() => throw new NotSupportedException();

        public Task Relocate(SiloAddress target) => throw new NotSupportedException();
    }
}
