using System.Text;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Transactions.Abstractions;

namespace Platform.Transactions.Storage;

/// <summary>
/// Creates <see cref="TableTransactionalStateStorage{TState}"/> for each transactional grain state: one partition per
/// service, grain and state name in one table (created on first use).
/// </summary>
public sealed class TableTransactionalStateStorageFactory : ITransactionalStateStorageFactory, ITransactionalStateSizeLimit
{
    /// <summary>The table holding every grain's transactional state.</summary>
    public const string DefaultTableName = "PlatformTxnState";

    private readonly TableClient _table;
    private readonly Serializer _serializer;
    private readonly string _serviceId;
    private readonly Lazy<Task> _created;

    public TableTransactionalStateStorageFactory(TableServiceClient service, Serializer serializer, IOptions<ClusterOptions> cluster, string tableName = DefaultTableName)
    {
        _table = service.GetTableClient(tableName);
        _serializer = serializer;
        _serviceId = cluster.Value.ServiceId;
        _created = new Lazy<Task>(() => _table.CreateIfNotExistsAsync());
    }

    public ITransactionalStateStorage<TState> Create<TState>(string stateName, IGrainContext context)
        where TState : class, new() =>
        new CreatedTableStorage<TState>(_created, Create<TState>(PartitionKey(_serviceId, context.GrainId.ToString(), stateName)));

    /// <summary>A storage for one partition (tests use this to drop and re-create storage instances).</summary>
    public TableTransactionalStateStorage<TState> Create<TState>(string partition)
        where TState : class, new() => new(_table, partition, _serializer);

    public Task EnsureTableAsync() => _created.Value;

    /// <summary>What one record holds: <see cref="TableStateLayout.MaxStateBytes"/> (960 KiB).</summary>
    public int MaxStateBytes => TableStateLayout.MaxStateBytes;

    public long SerializedBytes<TState>(TState state) => TableStateLayout.SerializedBytes(_serializer, state);

    /// <summary>
    /// <c>{serviceId}_{grainId}_{stateName}</c> with the characters table keys forbid (<c>/ \ # ?</c>, controls) and
    /// <c>%</c> itself written as <c>%XX</c>, so distinct grains never share a partition.
    /// </summary>
    public static string PartitionKey(string serviceId, string grainId, string stateName)
    {
        var raw = $"{serviceId}_{grainId}_{stateName}";
        var key = new StringBuilder(raw.Length + 16);
        foreach (var c in raw)
        {
            if (c is '/' or '\\' or '#' or '?' or '%' || char.IsControl(c))
            {
                key.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                key.Append(c);
            }
        }

        return key.ToString();
    }

    /// <summary>Waits for the table to exist before the first load.</summary>
    private sealed class CreatedTableStorage<TState>(Lazy<Task> created, TableTransactionalStateStorage<TState> inner) : ITransactionalStateStorage<TState>, ITransactionalStateFence
        where TState : class, new()
    {
        public async Task FenceAsync(CancellationToken cancellationToken = default)
        {
            await created.Value;
            await inner.FenceAsync(cancellationToken);
        }

        public async Task<TransactionalStorageLoadResponse<TState>> Load()
        {
            await created.Value;
            return await inner.Load();
        }

        public Task<string> Store(string? expectedETag, TransactionalStateMetaData metadata, List<PendingTransactionState<TState>>? statesToPrepare, long? commitUpTo, long? abortAfter) =>
            inner.Store(expectedETag!, metadata, statesToPrepare!, commitUpTo, abortAfter);
    }
}
