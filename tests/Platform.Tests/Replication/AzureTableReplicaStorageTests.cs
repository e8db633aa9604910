using Azure.Data.Tables;
using Platform.Replication;
using Platform.Replication.Raft;
using Platform.Replication.Storage;
using Platform.Sharding;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Replication;

/// <summary>
/// <see cref="AzureTableReplicaStorage"/> against Azurite: a replica's Raft state (term, vote, commit, log,
/// snapshot) reads back as persisted, suffixes are replaced atomically, incarnations are handed out once, and a
/// second activation of the same replica cannot write once the first has.
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class AzureTableReplicaStorageTests(RealServersFixture fixture)
{
    private readonly AzureTableReplicaStorage _storage = new(new TableServiceClient(fixture.AzureTables), fixture.RunId + "Replicas");

    private static ReplicaId NewReplica() => new(new ShardId("rs-" + Guid.NewGuid().ToString("N")[..8], 1, 0), 1);

    private static LogEntry Entry(long index, long term, int size = 16) => new(index, term, EntryKind.Command, [.. Enumerable.Range(0, size).Select(i => (byte)(i + index))]);

    /// <summary>A new replica gets incarnation 1 and no state; term, vote, commit and entries read back after a reopen, under the same incarnation.</summary>
    [Fact]
    public async Task Persisted_state_reads_back_under_the_same_incarnation()
    {
        var replica = NewReplica();
        var log = await _storage.OpenAsync(replica, CancellationToken.None);
        Assert.Equal(1, log.Incarnation);
        Assert.Null(log.State);

        var vote = new MemberId(2, 1);
        await log.SaveAsync(new RaftReady { HardState = new HardState(3, vote, 0), Entries = [Entry(1, 1), Entry(2, 3)] });
        await log.SaveAsync(new RaftReady { HardState = new HardState(3, vote, 2), Entries = [Entry(3, 3, size: 200_000)] });

        var reopened = await _storage.OpenAsync(replica, CancellationToken.None);
        Assert.Equal(1, reopened.Incarnation);
        Assert.Equal(new HardState(3, vote, 2), reopened.State!.HardState);
        Assert.Equal([1L, 2, 3], reopened.State.Entries.Select(e => e.Index));
        Assert.Equal([1L, 3, 3], reopened.State.Entries.Select(e => e.Term));
        Assert.Equal(Entry(3, 3, size: 200_000).Data, reopened.State.Entries[2].Data);
    }

    /// <summary>Entries from an index on replace the stored ones from there: nothing of the old suffix reads back after the new one.</summary>
    [Fact]
    public async Task A_conflicting_suffix_is_replaced()
    {
        var replica = NewReplica();
        var log = await _storage.OpenAsync(replica, CancellationToken.None);
        await log.SaveAsync(new RaftReady { HardState = new HardState(1, null, 0), Entries = [Entry(1, 1), Entry(2, 1), Entry(3, 1), Entry(4, 1)] });
        await log.SaveAsync(new RaftReady { HardState = new HardState(2, null, 1), Entries = [Entry(2, 2)] });

        var state = (await _storage.OpenAsync(replica, CancellationToken.None)).State!;
        Assert.Equal([(1L, 1L), (2L, 2L)], state.Entries.Select(e => (e.Index, e.Term)));
    }

    /// <summary>A snapshot replaces the log up to its index; the entries after it stay; the snapshot's bytes (several rows) read back.</summary>
    [Fact]
    public async Task A_snapshot_replaces_the_log_it_covers()
    {
        var replica = NewReplica();
        var log = await _storage.OpenAsync(replica, CancellationToken.None);
        await log.SaveAsync(new RaftReady { HardState = new HardState(1, null, 3), Entries = [Entry(1, 1), Entry(2, 1), Entry(3, 1), Entry(4, 1)] });
        var data = new byte[1_600_000];
        new Random(7).NextBytes(data);
        var config = RaftConfiguration.Genesis(3).Replace(new MemberId(1, 1), new MemberId(1, 2));
        await log.SaveSnapshotAsync(new RaftSnapshot(new RaftSnapshotMeta(3, 1, config), data));

        var state = (await _storage.OpenAsync(replica, CancellationToken.None)).State!;
        Assert.Equal(3, state.Snapshot!.Meta.Index);
        Assert.Equal(config, state.Snapshot.Meta.Config);
        Assert.Equal(data, state.Snapshot.Data);
        Assert.Equal([4L], state.Entries.Select(e => e.Index));

        // A snapshot received from the leader replaces the whole log.
        var reopened = await _storage.OpenAsync(replica, CancellationToken.None);
        await reopened.SaveAsync(new RaftReady { HardState = new HardState(2, null, 10), Snapshot = new RaftSnapshot(new RaftSnapshotMeta(10, 2, config), [1, 2, 3]), Entries = [Entry(11, 2)] });
        var after = (await _storage.OpenAsync(replica, CancellationToken.None)).State!;
        Assert.Equal(10, after.Snapshot!.Meta.Index);
        Assert.Equal([1, 2, 3], after.Snapshot.Data);
        Assert.Equal([11L], after.Entries.Select(e => e.Index));
    }

    /// <summary>Of two activations that opened the same state, the one that writes second stops: its view is stale.</summary>
    [Fact]
    public async Task A_second_activation_cannot_write_after_the_first()
    {
        var replica = NewReplica();
        await (await _storage.OpenAsync(replica, CancellationToken.None)).SaveAsync(new RaftReady { HardState = new HardState(1, null, 0) });
        var first = await _storage.OpenAsync(replica, CancellationToken.None);
        var second = await _storage.OpenAsync(replica, CancellationToken.None);
        await first.SaveAsync(new RaftReady { HardState = new HardState(2, new MemberId(0, 1), 0) });
        await Assert.ThrowsAsync<ReplicaStorageConflictException>(async () => await second.SaveAsync(new RaftReady { HardState = new HardState(2, new MemberId(2, 1), 0) }));
        Assert.Equal(new MemberId(0, 1), (await _storage.OpenAsync(replica, CancellationToken.None)).State!.HardState.VotedFor);
    }

    /// <summary>Dropping a replica deletes its state; it starts over as a new replica.</summary>
    [Fact]
    public async Task Drop_deletes_everything()
    {
        var replica = NewReplica();
        var log = await _storage.OpenAsync(replica, CancellationToken.None);
        await log.SaveAsync(new RaftReady { HardState = new HardState(1, null, 0), Entries = [Entry(1, 1)] });
        await _storage.DropAsync(replica);
        var fresh = await _storage.OpenAsync(replica, CancellationToken.None);
        Assert.Null(fresh.State);
    }
}
