using Platform.Testing.Setup;
using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Transactions.Abstractions;
using Platform.KeyValue;
using Platform.Tests.Infrastructure;
using Platform.Transactions;
using Platform.Transactions.Storage;

namespace Platform.Tests.Transactions;

/// <summary>
/// Loads of the Azure Table transactional state storage (Azurite) that race a writer: a paginated load is one
/// snapshot, or it is read again. The writer commits between the load's first and second page.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TableTransactionalStateLoadTests(ClusterFixture fixture)
{
    private readonly string _table = "TxnLoad" + Guid.NewGuid().ToString("N")[..12];

    private Serializer Serializer => fixture.Cluster.Client.ServiceProvider.GetRequiredService<Serializer>();

    /// <summary>
    /// The key row is read on the first page; a writer then commits sequence 2 (removing record 1) before the next
    /// page. The load notices (the key row changed after its pages) and reads again: it returns the new commit, not
    /// the old key row with the new records (which named a committed record that no longer exists).
    /// </summary>
    [Fact]
    public async Task Load_WhenAWriterCommitsBetweenPages_ReadsAgainAndReturnsOneSnapshot()
    {
        var tables = new TableServiceClient(TestServers.AzureTables);
        var table = tables.GetTableClient(_table);
        await table.CreateIfNotExistsAsync();
        const string partition = "racing";
        var writer = new TableTransactionalStateStorage<TransactionShardState>(table, partition, Serializer);
        var etag = await writer.Store((await writer.Load()).ETag, Metadata(), [Pending(1, "x", 10)], commitUpTo: 1, abortAfter: null);

        var paging = new PagingTableClient(table);
        var reader = new TableTransactionalStateStorage<TransactionShardState>(paging, partition, Serializer);
        paging.BetweenPages(() => writer.Store(etag, Metadata(), [Pending(2, "x", 20)], commitUpTo: 2, abortAfter: null));

        var loaded = await reader.Load();
        Assert.Equal(2, loaded.CommittedSequenceId);
        Assert.Equal("20", Encoding.UTF8.GetString(loaded.CommittedState.Entries["x"].Value));
        Assert.Empty(loaded.PendingStates);

        // The snapshot it returned is current: its ETag lets it write.
        await reader.Store(loaded.ETag, Metadata(), [Pending(3, "x", 30)], commitUpTo: 3, abortAfter: null);
    }

    private static TransactionalStateMetaData Metadata() => new() { TimeStamp = DateTime.UtcNow };

    private static PendingTransactionState<TransactionShardState> Pending(long seq, string key, long value)
    {
        var state = new TransactionShardState();
        state.Entries[key] = new KeyValueEntry { Key = key, Value = Encoding.UTF8.GetBytes(value.ToString(CultureInfo.InvariantCulture)), Version = seq };
        return new PendingTransactionState<TransactionShardState> { SequenceId = seq, TransactionId = $"t{seq}", TimeStamp = DateTime.UtcNow, State = state };
    }
}
