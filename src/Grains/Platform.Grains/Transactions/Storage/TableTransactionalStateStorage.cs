using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.Transactions;
using Orleans.Transactions.Abstractions;

namespace Platform.Transactions.Storage;

/// <summary>
/// Orleans transactional state of one grain in one Azure Table partition.
/// <list type="bullet">
/// <item>Row <c>k</c> (the key row): <c>CommittedSequenceId</c> and the transaction <c>Metadata</c>; its ETag is the
/// state's ETag, and every batch writes it ETag-checked, so a stale or duplicate activation can never write.</item>
/// <item>Rows <c>s_{sequenceId:x16}</c>: one per state record: the committed state (sequence id = CommittedSequenceId)
/// and the prepared (pending) states after it, each with its transaction id, timestamp and transaction manager.</item>
/// </list>
/// A prepare writes its record before the commit pointer moves past it; a crash in between leaves a pending record
/// that <see cref="Load"/> hands back to Orleans, whose transaction manager then commits or aborts it. All writes of
/// one <see cref="Store"/> go into entity-group batches of this one partition (normally a single, atomic batch).
/// </summary>
public sealed class TableTransactionalStateStorage<TState> : ITransactionalStateStorage<TState>
    where TState : class, new()
{
    /// <summary>The key row: commit pointer and metadata.</summary>
    public const string KeyRow = "k";
    public const string StatePrefix = "s_";
    private const int MaxBatchActions = 100;
    private const int MaxBatchBytes = 3 * 1024 * 1024;
    private const int ChunkBytes = 64 * 1024;
    private const int MaxChunks = 15;
    private const int MaxSnapshotAttempts = 5;

    private readonly TableClient _table;
    private readonly string _partition;
    private readonly Serializer _serializer;

    private ETag? _keyETag;
    private long _committed;
    private byte[]? _metadata;
    private bool _loaded;
    private bool _mustReload;

    // Sequence id -> the ETag of its row, for every state row in the partition.
    private readonly SortedDictionary<long, ETag> _rows = [];

    public TableTransactionalStateStorage(TableClient table, string partition, Serializer serializer)
    {
        _table = table;
        _partition = partition;
        _serializer = serializer;
    }

    /// <summary>Largest serialized state one record holds (15 binary properties of 64 KiB).</summary>
#pragma warning disable CA1000 // the layout is per storage type; tests read it through the type they store
    public static int MaxStateBytes => ChunkBytes * MaxChunks;
#pragma warning restore CA1000

    public async Task<TransactionalStorageLoadResponse<TState>> Load()
    {
        for (var attempt = 1; ; attempt++)
        {
            var entities = new List<TableEntity>();
            await foreach (var entity in _table.QueryAsync<TableEntity>(e => e.PartitionKey == _partition))
            {
                entities.Add(entity);
            }

            // Every batch rewrites the key row, and the key row sorts first: the query read it before any other row.
            // If its ETag is still the same after the last page, no batch committed while the pages were read, so
            // the rows form one snapshot. (Reading the key row before the query instead proves nothing about the
            // later pages: a batch committing between two pages would go unnoticed.)
            var key = entities.FirstOrDefault(e => e.RowKey == KeyRow);
            var after = await ReadKeyETag();
            if (key?.ETag == after)
            {
                return Parse(key, entities);
            }

            if (attempt == MaxSnapshotAttempts)
            {
                throw new InconsistentStateException($"Transactional state partition '{_partition}' kept changing while it was loaded ({MaxSnapshotAttempts} attempts).", key?.ETag.ToString() ?? "none", after?.ToString() ?? "none");
            }
        }
    }

    public async Task<string> Store(string? expectedETag, TransactionalStateMetaData metadata, List<PendingTransactionState<TState>>? statesToPrepare, long? commitUpTo, long? abortAfter)
    {
        if (_mustReload || !_loaded)
        {
            throw new InvalidOperationException("Load must succeed before Store (after a failed Store the state must be loaded again).");
        }

        var current = _keyETag?.ToString();
        if (!string.IsNullOrEmpty(current) || !string.IsNullOrEmpty(expectedETag))
        {
            if (current != expectedETag)
            {
                throw new InconsistentStateException($"Transactional state partition '{_partition}': ETag mismatch.", current ?? "none", expectedETag ?? "none");
            }
        }

        try
        {
            return await StoreCore(metadata, statesToPrepare, commitUpTo, abortAfter);
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
        {
            _mustReload = true;
            throw new InconsistentStateException($"Transactional state partition '{_partition}' was written by someone else: {ex.Message}", _keyETag?.ToString() ?? "none", "unknown", ex);
        }
        catch
        {
            _mustReload = true;
            throw;
        }
    }

    private async Task<string> StoreCore(TransactionalStateMetaData metadata, List<PendingTransactionState<TState>>? statesToPrepare, long? commitUpTo, long? abortAfter)
    {
        var steps = new List<Step>();

        // 1. Records of aborted transactions go first.
        if (abortAfter is { } abortPoint)
        {
            foreach (var sequenceId in _rows.Keys.Where(s => s > abortPoint).ToList())
            {
                steps.Add(Step.Delete(sequenceId, _rows[sequenceId]));
            }
        }

        // 2. Prepared records, before the commit pointer can move past them.
        var obsoleteBefore = commitUpTo ?? _committed;
        foreach (var pending in statesToPrepare ?? [])
        {
            if (pending.SequenceId < obsoleteBefore)
            {
                continue;
            }

            var entity = ToEntity(pending);
            var deleted = steps.FindIndex(s => s.SequenceId == pending.SequenceId && s.Entity is null);
            if (deleted >= 0)
            {
                // Re-prepared after an abort: one replace instead of a delete and an add of the same row in a batch.
                steps[deleted] = Step.Replace(pending.SequenceId, entity, _rows[pending.SequenceId]);
            }
            else
            {
                steps.Add(_rows.TryGetValue(pending.SequenceId, out var etag)
                    ? Step.Replace(pending.SequenceId, entity, etag)
                    : Step.Add(pending.SequenceId, entity));
            }
        }

        // 3. The key row: metadata and the commit pointer.
        var newMetadata = _serializer.SerializeToArray(metadata);
        var newCommitted = commitUpTo is { } upTo && upTo > _committed ? upTo : _committed;
        steps.Add(Step.KeyUpdate());

        // 4. Records before the committed one are obsolete.
        foreach (var sequenceId in _rows.Keys.Where(s => s < obsoleteBefore).ToList())
        {
            if (steps.All(s => s.SequenceId != sequenceId))
            {
                steps.Add(Step.Delete(sequenceId, _rows[sequenceId]));
            }
        }

        // Batches of one partition, in order; each carries the key row, ETag-checked, as the fence.
        var keyWritten = false;
        var batch = new List<Step>();
        var bytes = 0;
        foreach (var step in steps)
        {
            if (batch.Count > 0 && (batch.Count + 2 > MaxBatchActions || bytes + step.Bytes > MaxBatchBytes))
            {
                await Flush(batch, keyWritten ? newMetadata : _metadata, keyWritten ? newCommitted : _committed);
                batch.Clear();
                bytes = 0;
            }

            batch.Add(step);
            bytes += step.Bytes;
            keyWritten |= step.IsKey;
        }

        await Flush(batch, newMetadata, newCommitted);
        _metadata = newMetadata;
        _committed = newCommitted;
        return _keyETag!.Value.ToString();
    }

    private async Task Flush(List<Step> steps, byte[]? metadata, long committed)
    {
        var actions = new List<TableTransactionAction>(steps.Count + 1);
        var keyIndex = -1;
        foreach (var step in steps.Where(s => !s.IsKey))
        {
            actions.Add(step.Action(_partition));
        }

        keyIndex = actions.Count;
        var key = new TableEntity(_partition, KeyRow)
        {
            ["CommittedSequenceId"] = committed,
            ["Metadata"] = metadata ?? _serializer.SerializeToArray(new TransactionalStateMetaData()),
        };
        actions.Add(_keyETag is { } etag
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, key, etag)
            : new TableTransactionAction(TableTransactionActionType.Add, key));

        var response = await _table.SubmitTransactionAsync(actions);
        var answers = response.Value;
        var rowIndex = 0;
        foreach (var step in steps.Where(s => !s.IsKey))
        {
            if (step.Entity is null)
            {
                _rows.Remove(step.SequenceId);
            }
            else
            {
                _rows[step.SequenceId] = answers[rowIndex].Headers.ETag ?? throw new InvalidOperationException("Table storage returned no ETag.");
            }

            rowIndex++;
        }

        _keyETag = answers[keyIndex].Headers.ETag ?? throw new InvalidOperationException("Table storage returned no ETag for the key row.");
    }

    private async Task<ETag?> ReadKeyETag()
    {
        var key = await _table.GetEntityIfExistsAsync<TableEntity>(_partition, KeyRow, ["CommittedSequenceId"]);
        return key.HasValue ? key.Value!.ETag : null;
    }

    private TransactionalStorageLoadResponse<TState> Parse(TableEntity? key, List<TableEntity> entities)
    {
        _rows.Clear();
        var records = new SortedDictionary<long, TableEntity>();
        foreach (var entity in entities.Where(e => e.RowKey.StartsWith(StatePrefix, StringComparison.Ordinal)))
        {
            var sequenceId = long.Parse(entity.RowKey.AsSpan(StatePrefix.Length), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            records[sequenceId] = entity;
            _rows[sequenceId] = entity.ETag;
        }

        _loaded = true;
        _mustReload = false;
        if (key is null)
        {
            // Fresh: nothing was ever stored (rows without a key row are leftovers of a failed first batch, never visible).
            _keyETag = null;
            _committed = 0;
            _metadata = null;
            return new TransactionalStorageLoadResponse<TState>();
        }

        _keyETag = key.ETag;
        _committed = key.GetInt64("CommittedSequenceId") ?? 0;
        _metadata = key.GetBinary("Metadata");
        var metadata = _metadata is { Length: > 0 } ? _serializer.Deserialize<TransactionalStateMetaData>(_metadata) ?? new TransactionalStateMetaData() : new TransactionalStateMetaData();

        TState committedState;
        if (_committed == 0)
        {
            committedState = new TState();
        }
        else if (records.TryGetValue(_committed, out var committedRow))
        {
            committedState = ReadState(committedRow);
        }
        else
        {
            throw new InvalidOperationException($"Transactional state partition '{_partition}' is corrupt: no record for the committed sequence id {_committed}.");
        }

        var pending = records.Where(r => r.Key > _committed).Select(r => new PendingTransactionState<TState>
        {
            SequenceId = r.Key,
            TransactionId = r.Value.GetString("TransactionId") ?? "",
            TimeStamp = r.Value.GetDateTimeOffset("TransactionTimestamp")?.UtcDateTime ?? default,
            TransactionManager = r.Value.GetBinary("TransactionManager") is { Length: > 0 } tm ? _serializer.Deserialize<ParticipantId>(tm) : default,
            State = ReadState(r.Value),
        }).ToList();

        return new TransactionalStorageLoadResponse<TState>(_keyETag.Value.ToString(), committedState, _committed, metadata, pending);
    }

    private TState ReadState(TableEntity row)
    {
        var chunks = row.GetInt32("Chunks") ?? 0;
        using var buffer = new MemoryStream();
        for (var i = 0; i < chunks; i++)
        {
            buffer.Write(row.GetBinary(ChunkName(i)) ?? throw new InvalidOperationException($"Row {row.RowKey} of '{_partition}' misses chunk {i}."));
        }

        return _serializer.Deserialize<TState>(buffer.ToArray()) ?? new TState();
    }

    private TableEntity ToEntity(PendingTransactionState<TState> pending)
    {
        var state = _serializer.SerializeToArray(pending.State);
        if (state.Length > MaxStateBytes)
        {
            throw new InvalidOperationException($"Transactional state of '{_partition}' is {state.Length} bytes serialized, over the {MaxStateBytes} one record holds; spread the keys over more shards.");
        }

        var chunks = (state.Length + ChunkBytes - 1) / ChunkBytes;
        var entity = new TableEntity(_partition, RowKey(pending.SequenceId))
        {
            ["TransactionId"] = pending.TransactionId,
            ["TransactionTimestamp"] = new DateTimeOffset(DateTime.SpecifyKind(pending.TimeStamp, DateTimeKind.Utc)),
            ["TransactionManager"] = _serializer.SerializeToArray(pending.TransactionManager),
            ["Chunks"] = chunks,
        };
        for (var i = 0; i < chunks; i++)
        {
            entity[ChunkName(i)] = state.AsSpan(i * ChunkBytes, Math.Min(ChunkBytes, state.Length - (i * ChunkBytes))).ToArray();
        }

        return entity;
    }

    /// <summary>The row key of the state record with this sequence id.</summary>
#pragma warning disable CA1000 // the layout is per storage type; tests read it through the type they store
    public static string RowKey(long sequenceId) => StatePrefix + sequenceId.ToString("x16", CultureInfo.InvariantCulture);
#pragma warning restore CA1000

    private static string ChunkName(int index) => "D" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>One row change of a Store: add, replace (ETag-checked) or delete (ETag-checked) a state row, or the key row.</summary>
    private sealed record Step(long SequenceId, TableEntity? Entity, ETag? ETag, bool IsKey, bool IsAdd)
    {
        public int Bytes => Entity is null ? 256 : 1024 + (Entity.GetInt32("Chunks") ?? 0) * ChunkBytes;

        public static Step Add(long sequenceId, TableEntity entity) => new(sequenceId, entity, null, false, true);

        public static Step Replace(long sequenceId, TableEntity entity, ETag etag) => new(sequenceId, entity, etag, false, false);

        public static Step Delete(long sequenceId, ETag etag) => new(sequenceId, null, etag, false, false);

        public static Step KeyUpdate() => new(-1, null, null, true, false);

        public TableTransactionAction Action(string partition) => Entity is null
            ? new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, RowKey(SequenceId)), ETag!.Value)
            : IsAdd
                ? new TableTransactionAction(TableTransactionActionType.Add, Entity)
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, Entity, ETag!.Value);
    }
}
