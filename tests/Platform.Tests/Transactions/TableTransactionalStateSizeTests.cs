using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Transactions.Abstractions;
using Platform.KeyValue;
using Platform.Testing.Setup;
using Platform.Tests.Infrastructure;
using Platform.Transactions;
using Platform.Transactions.Storage;

namespace Platform.Tests.Transactions;

/// <summary>
/// The stated limit of the Azure Table transactional state storage is real (Azurite): a record up to
/// <see cref="TableTransactionalStateStorage{TState}.MaxStateBytes"/> (960 KiB) is written, replaced in place and
/// loaded back, over one or two rows; over it, a Store is refused before writing, with a reason, and the instance
/// stays usable.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TableTransactionalStateSizeTests(ClusterFixture fixture)
{
    private static readonly int Limit = TableTransactionalStateStorage<TransactionShardState>.MaxStateBytes;
    private readonly string _table = "TxnSize" + Guid.NewGuid().ToString("N")[..12];

    private Serializer Serializer => fixture.Cluster.Client.ServiceProvider.GetRequiredService<Serializer>();

    /// <summary>
    /// A record re-prepared after an abort is replaced in place (one batch may not touch a row twice). Replacing it
    /// with 950 KiB (over one row's 1 MiB of JSON once base64-encoded) works, as do shrinking it back and committing;
    /// every load returns the bytes written, and an obsolete two-row record leaves no row behind.
    /// </summary>
    [Fact]
    public async Task Store_RecordUpToTheLimit_IsReplacedInPlace_AndLoadsBack()
    {
        var factory = await Factory();
        var storage = factory.Create<TransactionShardState>("replaced");
        var etag = (await storage.Load()).ETag;

        foreach (var size in new[] { 100 * 1024, Limit - (10 * 1024), 900 * 1024, 200 * 1024, Limit - 200 })
        {
            // Abort what is pending (abortAfter 0) and prepare sequence 1 again with a state of this size.
            var state = StateOf(size, fill: (byte)(size % 251));
            etag = await storage.Store(etag, Metadata(), [Pending(1, state)], commitUpTo: null, abortAfter: 0);
            var loaded = await factory.Create<TransactionShardState>("replaced").Load();
            var pending = Assert.Single(loaded.PendingStates);
            Assert.Equal(state.Entries["v"].Value, pending.State.Entries["v"].Value);
        }

        etag = await storage.Store(etag, Metadata(), null, commitUpTo: 1, abortAfter: null);
        Assert.InRange(SerializedSize((await factory.Create<TransactionShardState>("replaced").Load()).CommittedState), Limit - 500, Limit);

        await storage.Store(etag, Metadata(), [Pending(2, StateOf(1024, 7))], commitUpTo: 2, abortAfter: null);
        Assert.Equal(["k", TableTransactionalStateStorage<TransactionShardState>.RowKey(2)], await RowKeys("replaced"));
    }

    /// <summary>A state over the limit is refused before anything is written, saying why; the same instance then stores a small state (not poisoned).</summary>
    [Fact]
    public async Task Store_StateOverTheLimit_IsRefusedBeforeWriting_AndTheInstanceStaysUsable()
    {
        var factory = await Factory();
        var storage = factory.Create<TransactionShardState>("over");
        var etag = await storage.Store((await storage.Load()).ETag, Metadata(), [Pending(1, StateOf(10, 1))], commitUpTo: 1, abortAfter: null);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            storage.Store(etag, Metadata(), [Pending(2, StateOf(Limit + 100, 2))], commitUpTo: 2, abortAfter: null));
        Assert.Contains("retrying does not help", refused.Message, StringComparison.Ordinal);

        var small = StateOf(1024, 3);
        etag = await storage.Store(etag, Metadata(), [Pending(2, small)], commitUpTo: 2, abortAfter: null);
        var loaded = await factory.Create<TransactionShardState>("over").Load();
        Assert.Equal((etag, 2L), (loaded.ETag, loaded.CommittedSequenceId));
        Assert.Equal(small.Entries["v"].Value, loaded.CommittedState.Entries["v"].Value);
    }

    private async Task<TableTransactionalStateStorageFactory> Factory()
    {
        var factory = new TableTransactionalStateStorageFactory(
            new TableServiceClient(TestServers.AzureTables), Serializer, Options.Create(new ClusterOptions { ServiceId = "txn-size" }), _table);
        await factory.EnsureTableAsync();
        return factory;
    }

    /// <summary>A state whose serialized size is about <paramref name="bytes"/> (one value of that many bytes, less the overhead).</summary>
    private TransactionShardState StateOf(int bytes, byte fill)
    {
        var state = new TransactionShardState();
        state.Entries["v"] = new KeyValueEntry { Key = "v", Value = [], Version = 1 };
        var overhead = SerializedSize(state);
        var value = new byte[Math.Max(0, bytes - overhead - 8)];
        Array.Fill(value, fill);
        state.Entries["v"] = new KeyValueEntry { Key = "v", Value = value, Version = 1 };
        return state;
    }

    private int SerializedSize(TransactionShardState state) => Serializer.SerializeToArray(state).Length;

    private static TransactionalStateMetaData Metadata() => new() { TimeStamp = DateTime.UtcNow };

    private static PendingTransactionState<TransactionShardState> Pending(long seq, TransactionShardState state) =>
        new() { SequenceId = seq, TransactionId = $"t{seq}", TimeStamp = DateTime.UtcNow, State = state };

    private async Task<List<string>> RowKeys(string partition)
    {
        var table = new TableServiceClient(TestServers.AzureTables).GetTableClient(_table);
        var keys = new List<string>();
        await foreach (var e in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, select: ["RowKey"]))
        {
            keys.Add(e.RowKey);
        }

        return keys;
    }
}
