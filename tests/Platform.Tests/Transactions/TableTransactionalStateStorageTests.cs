using System.Text;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.Transactions;
using Orleans.Transactions.Abstractions;
using Platform.KeyValue;
using Platform.Testing.Setup;
using Platform.Tests.Infrastructure;
using Platform.Transactions;
using Platform.Transactions.Storage;

namespace Platform.Tests.Transactions;

/// <summary>
/// The Azure Table transactional state storage against the Azurite that scripts/test.sh starts
/// (<c>PLATFORM_TEST_AZURE_TABLES</c>; these tests fail when it is missing). A "crash" is a storage instance that is
/// dropped after a Store and never called again; a fresh instance then loads what storage holds.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TableTransactionalStateStorageTests(ClusterFixture fixture)
{
    private readonly string _table = "TransactionTest" + Guid.NewGuid().ToString("N")[..12];

    private static string ConnectionString => TestServers.AzureTables;

    private Serializer Serializer => fixture.Cluster.Client.ServiceProvider.GetRequiredService<Serializer>();

    private async Task<TableTransactionalStateStorageFactory> Factory()
    {
        var factory = new TableTransactionalStateStorageFactory(
            new TableServiceClient(ConnectionString), Serializer, Options.Create(new ClusterOptions { ServiceId = "txn-tests" }), _table);
        await factory.EnsureTableAsync();
        return factory;
    }

    /// <summary>A partition never written loads as fresh: no ETag, empty state, nothing pending.</summary>
    [Fact]
    public async Task Load_WhenNothingStored_ReturnsFreshState()
    {
        var storage = (await Factory()).Create<TransactionShardState>("fresh");
        var loaded = await storage.Load();
        Assert.Null(loaded.ETag);
        Assert.Equal(0, loaded.CommittedSequenceId);
        Assert.Empty(loaded.CommittedState.Entries);
        Assert.Empty(loaded.PendingStates);
    }

    /// <summary>A prepare and commit in one Store is what a fresh instance loads; older records are removed.</summary>
    [Fact]
    public async Task Store_PrepareAndCommit_IsLoadedByAFreshInstance_AndOnlyTheCommittedRecordRemains()
    {
        var factory = await Factory();
        var storage = factory.Create<TransactionShardState>("commits");
        var etag = (await storage.Load()).ETag;
        for (var seq = 1; seq <= 3; seq++)
        {
            etag = await storage.Store(etag, Metadata(), [Pending(seq, $"t{seq}", ("x", seq * 10))], commitUpTo: seq, abortAfter: null);
        }

        var loaded = await factory.Create<TransactionShardState>("commits").Load();
        Assert.Equal(etag, loaded.ETag);
        Assert.Equal(3, loaded.CommittedSequenceId);
        Assert.Equal("30", Value(loaded.CommittedState, "x"));
        Assert.Empty(loaded.PendingStates);
        Assert.Equal(["k", TableTransactionalStateStorage<TransactionShardState>.RowKey(3)], await RowKeys("commits"));
    }

    /// <summary>
    /// A crash between prepare and commit on two participants of one transaction: fresh instances load the prepared
    /// records as pending (the committed state still the old one, so nothing is half-applied); when the transaction
    /// manager then commits, both show the new state, and when it aborts (a second transaction), neither does.
    /// </summary>
    [Fact]
    public async Task CrashBetweenPrepareAndCommit_PendingRecordsRecover_ThenCommitOrAbortWhole()
    {
        var factory = await Factory();
        var tm = Manager();
        string[] partitions = ["bank-a", "bank-b"];
        var etags = new Dictionary<string, string>();
        foreach (var p in partitions)
        {
            var s = factory.Create<TransactionShardState>(p);
            etags[p] = await s.Store((await s.Load()).ETag, Metadata(), [Pending(1, "open", ("balance", 100))], commitUpTo: 1, abortAfter: null);
        }

        // Transaction T2 moves 30 from a to b: both participants prepare, then the process dies before the commit.
        var a = factory.Create<TransactionShardState>("bank-a");
        var b = factory.Create<TransactionShardState>("bank-b");
        await a.Load();
        await b.Load();
        await a.Store(etags["bank-a"], Metadata(), [Pending(2, "T2", ("balance", 70), tm)], commitUpTo: null, abortAfter: null);
        await b.Store(etags["bank-b"], Metadata(), [Pending(2, "T2", ("balance", 130), tm)], commitUpTo: null, abortAfter: null);

        // Recovery: fresh instances see the old committed state plus one pending record naming T2 and its manager.
        var recovered = new Dictionary<string, (ITransactionalStateStorage<TransactionShardState> Storage, TransactionalStorageLoadResponse<TransactionShardState> Loaded)>();
        foreach (var p in partitions)
        {
            var storage = factory.Create<TransactionShardState>(p);
            var loaded = await storage.Load();
            Assert.Equal(1, loaded.CommittedSequenceId);
            Assert.Equal("100", Value(loaded.CommittedState, "balance"));
            var pending = Assert.Single(loaded.PendingStates);
            Assert.Equal(("T2", 2L), (pending.TransactionId, pending.SequenceId));
            Assert.Equal(tm.Name, pending.TransactionManager.Name);
            Assert.Equal(tm.Reference.GrainId, pending.TransactionManager.Reference.GrainId);
            recovered[p] = (storage, loaded);
        }

        // The manager's decision is commit: each participant moves its commit pointer; nothing is lost.
        foreach (var (p, (storage, loaded)) in recovered)
        {
            await storage.Store(loaded.ETag, Metadata(), null, commitUpTo: 2, abortAfter: null);
        }

        Assert.Equal("70", Value((await factory.Create<TransactionShardState>("bank-a").Load()).CommittedState, "balance"));
        Assert.Equal("130", Value((await factory.Create<TransactionShardState>("bank-b").Load()).CommittedState, "balance"));

        // T3 prepares on both, crashes, and its manager decides abort: both keep T2's state, no record of T3 remains.
        foreach (var p in partitions)
        {
            var s = factory.Create<TransactionShardState>(p);
            var l = await s.Load();
            await s.Store(l.ETag, Metadata(), [Pending(3, "T3", ("balance", 0), tm)], commitUpTo: null, abortAfter: null);
        }

        foreach (var p in partitions)
        {
            var s = factory.Create<TransactionShardState>(p);
            var l = await s.Load();
            Assert.Equal(3, Assert.Single(l.PendingStates).SequenceId);
            await s.Store(l.ETag, Metadata(), null, commitUpTo: null, abortAfter: 2);
        }

        foreach (var (p, balance) in new[] { ("bank-a", "70"), ("bank-b", "130") })
        {
            var l = await factory.Create<TransactionShardState>(p).Load();
            Assert.Equal((2L, balance), (l.CommittedSequenceId, Value(l.CommittedState, "balance")));
            Assert.Empty(l.PendingStates);
            Assert.Equal(["k", TableTransactionalStateStorage<TransactionShardState>.RowKey(2)], await RowKeys(p));
        }
    }

    /// <summary>A second instance of the same state (a duplicate activation) cannot write once the first has: its batch is ETag-checked.</summary>
    [Fact]
    public async Task Store_FromAStaleInstance_IsRefusedAndChangesNothing()
    {
        var factory = await Factory();
        var first = factory.Create<TransactionShardState>("dup");
        var second = factory.Create<TransactionShardState>("dup");
        var etag1 = (await first.Load()).ETag;
        var etag2 = (await second.Load()).ETag;
        await first.Store(etag1, Metadata(), [Pending(1, "winner", ("k", 1))], commitUpTo: 1, abortAfter: null);

        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            second.Store(etag2, Metadata(), [Pending(1, "loser", ("k", 2))], commitUpTo: 1, abortAfter: null));
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            second.Store(etag2, Metadata(), [Pending(1, "loser", ("k", 2))], commitUpTo: 1, abortAfter: null));

        var loaded = await factory.Create<TransactionShardState>("dup").Load();
        Assert.Equal("1", Value(loaded.CommittedState, "k"));

        var stale = factory.Create<TransactionShardState>("dup");
        await stale.Load();
        await Assert.ThrowsAsync<InconsistentStateException>(() => stale.Store("\"not-the-etag\"", Metadata(), null, null, null));
    }

    /// <summary>State over one 64 KiB property is split into chunks and read back whole; state over the record limit is refused without writing.</summary>
    [Fact]
    public async Task Store_LargeState_RoundTripsAcrossChunks_AndOversizedStateIsRefused()
    {
        var factory = await Factory();
        var storage = factory.Create<TransactionShardState>("large");
        var etag = (await storage.Load()).ETag;
        var big = new TransactionShardState();
        for (var i = 0; i < 40; i++)
        {
            big.Entries[$"key-{i}"] = Entry($"key-{i}", new string((char)('a' + (i % 26)), 10_000));
        }

        etag = await storage.Store(etag, Metadata(), [new PendingTransactionState<TransactionShardState> { SequenceId = 1, TransactionId = "big", TimeStamp = DateTime.UtcNow, State = big }], 1, null);
        var loaded = await factory.Create<TransactionShardState>("large").Load();
        Assert.Equal(40, loaded.CommittedState.Entries.Count);
        Assert.Equal(new string('n', 10_000), Encoding.UTF8.GetString(loaded.CommittedState.Entries["key-13"].Value));

        var huge = new TransactionShardState();
        huge.Entries["huge"] = Entry("huge", new string('h', TableTransactionalStateStorage<TransactionShardState>.MaxStateBytes));
        var reloaded = factory.Create<TransactionShardState>("large");
        var l = await reloaded.Load();
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            reloaded.Store(l.ETag, Metadata(), [new PendingTransactionState<TransactionShardState> { SequenceId = 2, TransactionId = "huge", TimeStamp = DateTime.UtcNow, State = huge }], 2, null));
        Assert.Equal(1, (await factory.Create<TransactionShardState>("large").Load()).CommittedSequenceId);
    }

    /// <summary>More prepared records than one entity-group batch holds are written in several single-partition batches and all load back.</summary>
    [Fact]
    public async Task Store_ManyPendingRecords_SpanSeveralBatches_AndAllLoadBack()
    {
        var factory = await Factory();
        var storage = factory.Create<TransactionShardState>("many");
        var etag = (await storage.Load()).ETag;
        var tm = Manager();
        var pending = Enumerable.Range(1, 150).Select(i => Pending(i, $"t{i}", ("n", i), tm)).ToList();
        await storage.Store(etag, Metadata(), pending, commitUpTo: null, abortAfter: null);

        var loaded = await factory.Create<TransactionShardState>("many").Load();
        Assert.Equal(0, loaded.CommittedSequenceId);
        Assert.Equal(Enumerable.Range(1, 150).Select(i => (long)i), loaded.PendingStates.Select(p => p.SequenceId));
        Assert.Equal("150", Value(loaded.PendingStates[^1].State, "n"));
    }

    private static TransactionalStateMetaData Metadata() => new() { TimeStamp = DateTime.UtcNow };

    private ParticipantId Manager() =>
        new("tm", (GrainReference)(object)fixture.Cluster.Client.GetGrain<ITransactionShardGrain>("tests/1/0"), ParticipantId.Role.Resource | ParticipantId.Role.Manager);

    private static PendingTransactionState<TransactionShardState> Pending(long seq, string transactionId, (string Key, long Value) entry, ParticipantId? tm = null)
    {
        var state = new TransactionShardState();
        state.Entries[entry.Key] = Entry(entry.Key, entry.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new PendingTransactionState<TransactionShardState>
        {
            SequenceId = seq,
            TransactionId = transactionId,
            TimeStamp = DateTime.UtcNow,
            TransactionManager = tm ?? default,
            State = state,
        };
    }

    private static KeyValueEntry Entry(string key, string value) => new() { Key = key, Value = Encoding.UTF8.GetBytes(value), Version = 1 };

    private static string? Value(TransactionShardState state, string key) =>
        state.Entries.TryGetValue(key, out var entry) ? Encoding.UTF8.GetString(entry.Value) : null;

    private async Task<List<string>> RowKeys(string partition)
    {
        var table = new TableServiceClient(ConnectionString).GetTableClient(_table);
        var keys = new List<string>();
        await foreach (var e in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, select: ["RowKey"]))
        {
            keys.Add(e.RowKey);
        }

        return keys;
    }
}
