using Microsoft.Extensions.Time.Testing;
using Platform.Errors;
using Platform.Replication;
using Platform.Replication.Crdt;
using Platform.Replication.Quorum;
using Platform.Sharding;
using Platform.Testing.Waiting;

namespace Platform.Tests.Replication;

/// <summary>
/// The quorum coordinator's write levels against scripted replicas on fake time, one of three silent (a partitioned
/// or killed silo): W=1 and W=2 answer without it, W=3 (<c>Platform-Consistency: all</c>) is a 503 after the attempt
/// timeout and leaves a hint for the silent one; and the levels a request can name map onto W as documented.
/// </summary>
public sealed class LeaderlessGroupClientTests
{
    private static readonly ReplicationOptions Options = new();

    private static readonly ReplicationSettings Quorum = new() { Mode = ReplicationMode.Quorum, Replicas = 3, W = 2, R = 2 };

    private readonly FakeTimeProvider _time = new();

    private static ShardId Group => new("ns", 1, 0);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_write_needing_fewer_acknowledgements_than_live_replicas_is_answered_without_the_silent_one(int w)
    {
        var replicas = new ScriptedVersionedReplicas(silent: 2);
        var client = new LeaderlessGroupClient(replicas, Options, _time);

        var write = client.WriteAsync(Group, VersionedGroup.From(Quorum), "k", KeyState.Of(new VersionedValue(client.Stamp(), [1], null)), w, CancellationToken.None);
        await _time.AdvanceUntilAsync(() => write.IsCompleted, TimeSpan.FromMilliseconds(50), Options.AttemptTimeout - TimeSpan.FromMilliseconds(50), "the write to complete");

        Assert.Equal(0, await write);
        Assert.Equal([0, 1, 2], replicas.Applied.Order());
    }

    [Fact]
    public async Task A_write_at_all_with_a_silent_replica_is_a_503_after_the_attempt_timeout_and_hints_the_silent_one()
    {
        var replicas = new ScriptedVersionedReplicas(silent: 2);
        var client = new LeaderlessGroupClient(replicas, Options, _time);

        var write = client.WriteAsync(Group, VersionedGroup.From(Quorum), "k", KeyState.Of(new VersionedValue(client.Stamp(), [1], null)), 3, CancellationToken.None);
        var took = await _time.AdvanceUntilAsync(() => write.IsCompleted, TimeSpan.FromMilliseconds(50), Options.AttemptTimeout * 2, "the write to fail");

        var refused = await Assert.ThrowsAsync<PlatformUnavailableException>(() => write);
        Assert.Contains("2 of 3 replicas acknowledged", refused.Message, StringComparison.Ordinal);
        Assert.True(took >= Options.AttemptTimeout, $"refused after {took}, before the attempt timeout");
        await Eventually.Until(() => replicas.Hinted.Contains(2), "a hint for the silent replica", TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData(null, 2)]
    [InlineData(ReadConsistency.One, 1)]
    [InlineData(ReadConsistency.Quorum, 2)]
    [InlineData(ReadConsistency.All, 3)]
    [InlineData(ReadConsistency.Strong, 2)]
    [InlineData(ReadConsistency.Session, 2)]
    [InlineData(ReadConsistency.Eventual, 2)]
    public void The_write_level_overrides_w_only_for_one_quorum_and_all(ReadConsistency? level, int acknowledgements)
    {
        Assert.Equal(acknowledgements, LeaderlessShards.WriteLevel(Quorum, level));
        Assert.Equal(level is null or ReadConsistency.Strong or ReadConsistency.Session or ReadConsistency.Eventual ? 5 : level == ReadConsistency.Quorum ? 4 : level == ReadConsistency.One ? 1 : 7,
            LeaderlessShards.WriteLevel(new ReplicationSettings { Mode = ReplicationMode.Quorum, Replicas = 7, W = 5, R = 3 }, level));
    }

    private sealed class ScriptedVersionedReplicas(int silent) : ReplicaSlotGrainFactory
    {
        public System.Collections.Concurrent.ConcurrentQueue<int> Applied { get; } = new();

        public System.Collections.Concurrent.ConcurrentQueue<int> Hinted { get; } = new();

        protected override object Replica(int slot) => new ScriptedVersionedReplica(this, slot, slot == silent);
    }

    private sealed class ScriptedVersionedReplica(ScriptedVersionedReplicas owner, int replica, bool silent) : IVersionedReplicaGrain
    {
        public Task<VersionedApplyResult> Apply(VersionedGroup group, VersionedBatch batch)
        {
            owner.Applied.Enqueue(replica);
            return silent ? new TaskCompletionSource<VersionedApplyResult>().Task : Task.FromResult(new VersionedApplyResult { Changed = batch.Entries.Count });
        }

        public Task Hint(VersionedGroup group, int target, IReadOnlyList<string> keys)
        {
            owner.Hinted.Enqueue(target);
            return Task.CompletedTask;
        }

        public Task<VersionedReadResult> Get(VersionedGroup group, IReadOnlyList<string> keys) => throw new NotSupportedException();

        public Task<VersionedAcceptResult> Accept(VersionedGroup group, VersionedLocalWrite write) => throw new NotSupportedException();

        public Task<VersionedMerkle> Merkle(VersionedGroup group) => throw new NotSupportedException();

        public Task<VersionedBatch> Buckets(VersionedGroup group, IReadOnlyList<int> buckets) => throw new NotSupportedException();

        public Task<IReadOnlyList<VersionedKeyInfo>> ListKeys(VersionedGroup group, string prefix, string? after, int limit) => throw new NotSupportedException();

        public Task<VersionedReplicaStatus> Status(VersionedGroup group) => throw new NotSupportedException();

        public Task Drop() => throw new NotSupportedException();
    }
}
