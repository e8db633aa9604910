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
/// and the prepared (pending) states after it, each with its transaction id, timestamp and transaction manager. A
/// record over one row's capacity (<see cref="TableStateLayout.ChunksPerRow"/> chunks) continues in rows
/// <c>s_{sequenceId:x16}_{n}</c>; the first row then says how many (<c>Rows</c>). All rows of a record are written
/// and deleted in one batch.</item>
/// </list>
/// A prepare writes its record before the commit pointer moves past it; a crash in between leaves a pending record
/// that <see cref="Load"/> hands back to Orleans, whose transaction manager then commits or aborts it. All writes of
/// one <see cref="Store"/> go into entity-group batches of this one partition (normally a single, atomic batch).
/// A state over <see cref="MaxStateBytes"/> is refused before anything is written (InvalidOperationException); the
/// shard grain checks the same limit inside the transaction (<see cref="ITransactionalStateSizeLimit"/>), so the
/// caller hears why.
/// </summary>
public sealed class TableTransactionalStateStorage<TState> : ITransactionalStateStorage<TState>, ITransactionalStateFence
    where TState : class, new()
{
    /// <summary>The key row: commit pointer and metadata.</summary>
    public const string KeyRow = "k";
    public const string StatePrefix = "s_";
    private const int MaxSnapshotAttempts = 5;
    private const int SequenceDigits = 16;

    private readonly TableClient _table;
    private readonly string _partition;
    private readonly Serializer _serializer;

    private ETag? _keyETag;
    private long _committed;
    private byte[]? _metadata;
    private bool _loaded;
    private bool _mustReload;

    // Sequence id -> the ETags of its rows (index: row number within the record), for every record in the partition.
    private readonly SortedDictionary<long, ETag[]> _rows = [];

    public TableTransactionalStateStorage(TableClient table, string partition, Serializer serializer)
    {
        _table = table;
        _partition = partition;
        _serializer = serializer;
    }

    /// <summary>Largest serialized state one record holds (15 chunks of 64 KiB, over one or two rows).</summary>
#pragma warning disable CA1000 // the layout is per storage type; tests read it through the type they store
    public static int MaxStateBytes => TableStateLayout.MaxStateBytes;
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

    /// <summary>
    /// Rewrites the key row's <c>Fence</c> property (an unconditional merge, creating the row if need be): its ETag
    /// changes, and every batch carries the key row ETag-checked, so no store an earlier activation started can land.
    /// </summary>
    public async Task FenceAsync(CancellationToken cancellationToken = default)
    {
        var key = new TableEntity(_partition, KeyRow) { ["Fence"] = Guid.NewGuid().ToString("N") };
        await _table.UpsertEntityAsync(key, TableUpdateMode.Merge, cancellationToken);
        _mustReload = true;
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

        // Serialize first: a state over the limit is refused before anything is written, and the instance stays usable.
        var prepared = new List<(long SequenceId, TableEntity[] Rows)>();
        foreach (var pending in statesToPrepare ?? [])
        {
            if (pending.SequenceId >= (commitUpTo ?? _committed))
            {
                prepared.Add((pending.SequenceId, ToRows(pending)));
            }
        }

        try
        {
            return await StoreCore(metadata, prepared, commitUpTo, abortAfter);
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

    private async Task<string> StoreCore(TransactionalStateMetaData metadata, List<(long SequenceId, TableEntity[] Rows)> prepared, long? commitUpTo, long? abortAfter)
    {
        var steps = new List<Step>();

        // 1. Records of aborted transactions go first.
        if (abortAfter is { } abortPoint)
        {
            foreach (var (sequenceId, etags) in _rows.Where(r => r.Key > abortPoint).ToList())
            {
                steps.Add(Step.Delete(sequenceId, etags));
            }
        }

        // 2. Prepared records, before the commit pointer can move past them.
        var obsoleteBefore = commitUpTo ?? _committed;
        foreach (var (sequenceId, rows) in prepared)
        {
            // Re-prepared after an abort, or prepared again: replace the record's rows in place (a batch may not
            // touch a row twice, so not a delete and an add).
            var existing = _rows.GetValueOrDefault(sequenceId) ?? [];
            var step = Step.Put(sequenceId, rows, existing);
            var deleted = steps.FindIndex(s => s.SequenceId == sequenceId && s.Rows.Length == 0);
            if (deleted >= 0)
            {
                steps[deleted] = step;
            }
            else
            {
                steps.Add(step);
            }
        }

        // 3. The key row: metadata and the commit pointer.
        var newMetadata = _serializer.SerializeToArray(metadata);
        var newCommitted = commitUpTo is { } upTo && upTo > _committed ? upTo : _committed;
        steps.Add(Step.KeyUpdate(TableStateLayout.EncodedBytes(newMetadata.Length) + TableStateLayout.RowOverheadBytes));

        // 4. Records before the committed one are obsolete.
        foreach (var (sequenceId, etags) in _rows.Where(r => r.Key < obsoleteBefore).ToList())
        {
            if (steps.All(s => s.SequenceId != sequenceId))
            {
                steps.Add(Step.Delete(sequenceId, etags));
            }
        }

        // Batches of one partition, in order, each record's rows together; each batch carries the key row,
        // ETag-checked, as the fence. Sizes are planned as encoded on the wire (the body limit is 4 MiB).
        var keyWritten = false;
        var batch = new List<Step>();
        var actions = 1;
        var bytes = TableStateLayout.RowOverheadBytes + TableStateLayout.EncodedBytes(Math.Max(newMetadata.Length, _metadata?.Length ?? 0));
        var keyBytes = bytes;
        foreach (var step in steps)
        {
            var stepActions = step.IsKey ? 0 : step.ActionCount;
            if (batch.Count > 0 && (actions + stepActions > TableStateLayout.MaxBatchActions || bytes + step.WireBytes > TableStateLayout.MaxBatchWireBytes))
            {
                await Flush(batch, keyWritten ? newMetadata : _metadata, keyWritten ? newCommitted : _committed);
                batch.Clear();
                actions = 1;
                bytes = keyBytes;
            }

            batch.Add(step);
            actions += stepActions;
            bytes += step.IsKey ? 0 : step.WireBytes;
            keyWritten |= step.IsKey;
        }

        await Flush(batch, newMetadata, newCommitted);
        _metadata = newMetadata;
        _committed = newCommitted;
        return _keyETag!.Value.ToString();
    }

    private async Task Flush(List<Step> steps, byte[]? metadata, long committed)
    {
        var actions = new List<TableTransactionAction>();
        foreach (var step in steps.Where(s => !s.IsKey))
        {
            actions.AddRange(step.Actions(_partition));
        }

        var keyIndex = actions.Count;
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
        var index = 0;
        foreach (var step in steps.Where(s => !s.IsKey))
        {
            if (step.Rows.Length == 0)
            {
                _rows.Remove(step.SequenceId);
            }
            else
            {
                var etags = new ETag[step.Rows.Length];
                for (var i = 0; i < etags.Length; i++)
                {
                    etags[i] = answers[index + i].Headers.ETag ?? throw new InvalidOperationException("Table storage returned no ETag.");
                }

                _rows[step.SequenceId] = etags;
            }

            index += step.ActionCount;
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
        var records = new SortedDictionary<long, SortedDictionary<int, TableEntity>>();
        foreach (var entity in entities.Where(e => e.RowKey.StartsWith(StatePrefix, StringComparison.Ordinal)))
        {
            var (sequenceId, part) = ParseRowKey(entity.RowKey);
            if (!records.TryGetValue(sequenceId, out var parts))
            {
                records[sequenceId] = parts = [];
            }

            parts[part] = entity;
        }

        foreach (var (sequenceId, parts) in records)
        {
            _rows[sequenceId] = [.. parts.Values.Select(p => p.ETag)];
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
        else if (records.TryGetValue(_committed, out var committedRows))
        {
            committedState = ReadState(_committed, committedRows);
        }
        else
        {
            throw new InvalidOperationException($"Transactional state partition '{_partition}' is corrupt: no record for the committed sequence id {_committed}.");
        }

        var pending = records.Where(r => r.Key > _committed).Select(r => new PendingTransactionState<TState>
        {
            SequenceId = r.Key,
            TransactionId = Head(r.Key, r.Value).GetString("TransactionId") ?? "",
            TimeStamp = Head(r.Key, r.Value).GetDateTimeOffset("TransactionTimestamp")?.UtcDateTime ?? default,
            TransactionManager = Head(r.Key, r.Value).GetBinary("TransactionManager") is { Length: > 0 } tm ? _serializer.Deserialize<ParticipantId>(tm) : default,
            State = ReadState(r.Key, r.Value),
        }).ToList();

        return new TransactionalStorageLoadResponse<TState>(_keyETag.Value.ToString(), committedState, _committed, metadata, pending);
    }

    private TableEntity Head(long sequenceId, SortedDictionary<int, TableEntity> parts) =>
        parts.TryGetValue(0, out var head) ? head : throw new InvalidOperationException($"Transactional state partition '{_partition}' is corrupt: record {sequenceId} has no first row.");

    /// <summary>A record's state from its rows: <c>Chunks</c> chunks named <c>D0..Dn</c> over <c>Rows</c> rows (absent: one).</summary>
    private TState ReadState(long sequenceId, SortedDictionary<int, TableEntity> parts)
    {
        var head = Head(sequenceId, parts);
        var chunks = head.GetInt32("Chunks") ?? 0;
        var rows = head.GetInt32("Rows") ?? 1;
        if (parts.Count != rows)
        {
            throw new InvalidOperationException($"Transactional state partition '{_partition}' is corrupt: record {sequenceId} has {parts.Count} of its {rows} rows.");
        }

        using var buffer = new MemoryStream();
        for (var i = 0; i < chunks; i++)
        {
            var name = ChunkName(i);
            var chunk = parts.Values.Select(p => p.GetBinary(name)).FirstOrDefault(c => c is not null)
                ?? throw new InvalidOperationException($"Record {sequenceId} of '{_partition}' misses chunk {i}.");
            buffer.Write(chunk);
        }

        return _serializer.Deserialize<TState>(buffer.ToArray()) ?? new TState();
    }

    /// <summary>
    /// The rows of one record: the first with the transaction's fields and up to <see cref="TableStateLayout.ChunksPerRow"/>
    /// chunks, then continuation rows with the rest. Throws InvalidOperationException over <see cref="MaxStateBytes"/>.
    /// </summary>
    private TableEntity[] ToRows(PendingTransactionState<TState> pending)
    {
        var state = _serializer.SerializeToArray(pending.State);
        if (state.Length > MaxStateBytes)
        {
            throw new InvalidOperationException(
                $"Transactional state of '{_partition}' is {state.Length} bytes serialized, over the {MaxStateBytes} bytes ({MaxStateBytes / 1024} KiB) one record holds; " +
                "nothing was written, and retrying does not help: delete keys, or spread them over a namespace with more shards.");
        }

        var chunks = (state.Length + TableStateLayout.ChunkBytes - 1) / TableStateLayout.ChunkBytes;
        var rowCount = Math.Max(1, (chunks + TableStateLayout.ChunksPerRow - 1) / TableStateLayout.ChunksPerRow);
        var rows = new TableEntity[rowCount];
        rows[0] = new TableEntity(_partition, RowKey(pending.SequenceId))
        {
            ["TransactionId"] = pending.TransactionId,
            ["TransactionTimestamp"] = new DateTimeOffset(DateTime.SpecifyKind(pending.TimeStamp, DateTimeKind.Utc)),
            ["TransactionManager"] = _serializer.SerializeToArray(pending.TransactionManager),
            ["Chunks"] = chunks,
        };
        if (rowCount > 1)
        {
            rows[0]["Rows"] = rowCount;
        }

        for (var r = 1; r < rowCount; r++)
        {
            rows[r] = new TableEntity(_partition, RowKey(pending.SequenceId, r));
        }

        for (var i = 0; i < chunks; i++)
        {
            var offset = i * TableStateLayout.ChunkBytes;
            rows[i / TableStateLayout.ChunksPerRow][ChunkName(i)] = state.AsSpan(offset, Math.Min(TableStateLayout.ChunkBytes, state.Length - offset)).ToArray();
        }

        return rows;
    }

    /// <summary>The row key of the state record with this sequence id (its first row).</summary>
#pragma warning disable CA1000 // the layout is per storage type; tests read it through the type they store
    public static string RowKey(long sequenceId) => StatePrefix + sequenceId.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>The row key of row <paramref name="part"/> of a record (0: its first row).</summary>
    public static string RowKey(long sequenceId, int part) =>
        part == 0 ? RowKey(sequenceId) : RowKey(sequenceId) + "_" + part.ToString(CultureInfo.InvariantCulture);
#pragma warning restore CA1000

    private static (long SequenceId, int Part) ParseRowKey(string rowKey)
    {
        var rest = rowKey.AsSpan(StatePrefix.Length);
        var sequenceId = long.Parse(rest[..SequenceDigits], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        var part = rest.Length == SequenceDigits ? 0 : int.Parse(rest[(SequenceDigits + 1)..], NumberStyles.None, CultureInfo.InvariantCulture);
        return (sequenceId, part);
    }

    private static string ChunkName(int index) => "D" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// One record's change in a Store: put its rows (each replaced ETag-checked where it exists, else added; rows it no
    /// longer needs deleted ETag-checked), delete all its rows (<see cref="Rows"/> empty), or the key row.
    /// </summary>
    private sealed class Step(long sequenceId, TableEntity[] rows, ETag[] existing, bool isKey, int keyWireBytes = 0)
    {
        public long SequenceId => sequenceId;

        public TableEntity[] Rows => rows;

        public bool IsKey => isKey;

        public int ActionCount => Math.Max(rows.Length, existing.Length);

        /// <summary>The step's size on the wire, binary counted base64-encoded.</summary>
        public int WireBytes => isKey
            ? keyWireBytes
            : rows.Sum(r => TableStateLayout.RowOverheadBytes + r.Select(p => p.Value).OfType<byte[]>().Sum(b => TableStateLayout.EncodedBytes(b.Length) + 64))
                + ((existing.Length - Math.Min(existing.Length, rows.Length)) * 1024);

        public static Step Put(long sequenceId, TableEntity[] rows, ETag[] existing) => new(sequenceId, rows, existing, isKey: false);

        public static Step Delete(long sequenceId, ETag[] existing) => new(sequenceId, [], existing, isKey: false);

        public static Step KeyUpdate(int wireBytes) => new(-1, [], [], isKey: true, wireBytes);

        public IEnumerable<TableTransactionAction> Actions(string partition)
        {
            for (var i = 0; i < rows.Length; i++)
            {
                yield return i < existing.Length
                    ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, rows[i], existing[i])
                    : new TableTransactionAction(TableTransactionActionType.Add, rows[i]);
            }

            for (var i = rows.Length; i < existing.Length; i++)
            {
                yield return new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, RowKey(sequenceId, i)), existing[i]);
            }
        }
    }
}
