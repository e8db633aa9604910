using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;
using Platform.Replication.Raft;

namespace Platform.Replication.Storage;

/// <summary>
/// Replica state in Azure Table storage, one partition per replica (<c>{ns}|{gen}|{shard}|{r}</c>):
/// <list type="bullet">
/// <item><c>meta</c>: incarnation, term, vote, commit index, the last valid log index (<c>LogTo</c>) and the snapshot's
/// index, term, configuration and size. Every write of a replica's state is one or more batch transactions, each
/// updating <c>meta</c> conditional on its ETag: of two activations of one replica, only the one whose ETag is current
/// can write, and the other stops (<see cref="ReplicaStorageConflictException"/>) before it sends anything.</item>
/// <item><c>e{index}</c> (and <c>e{index}.{k}</c> for entries over one row): log entries as <see cref="RaftCodec"/>
/// bytes. Rows are valid only in (snapshot index, <c>LogTo</c>]; a batch that replaces a suffix writes the new
/// entries and moves <c>LogTo</c> in the same transaction, so a reader never sees new entries after stale ones.</item>
/// <item><c>s{index}.{k}</c>: the snapshot of that index in 704 KiB rows, written before <c>meta</c> points at it.</item>
/// <item><c>counter</c>: the last incarnation handed out (kept across a replica's state being reset), so a replica
/// that finds no <c>meta</c> takes the next one, atomically with creating it.</item>
/// </list>
/// </summary>
public sealed class AzureTableReplicaStorage : IReplicaStorage
{
    private const int RowBytes = TableRowSegments.RowBytes;

    // A batch holds at most 100 operations and 4 MiB of (base64) payload.
    private const int MaxBatchOps = TableRowSegments.MaxBatchOps;
    private const long MaxBatchBytes = 2 * 1024 * 1024;

    private const string MetaRow = "meta";
    private const string CounterRow = "counter";

    private readonly TableClient _table;
    private readonly Lazy<Task> _created;

    public AzureTableReplicaStorage(TableServiceClient service, string tableName)
    {
        ArgumentNullException.ThrowIfNull(service);
        _table = service.GetTableClient(tableName);
        _created = new Lazy<Task>(() => _table.CreateIfNotExistsAsync());
    }

    public bool Durable => true;

    /// <summary>The replica's partition: its key with '|' separators ('/' is not allowed in keys; names never contain '|').</summary>
    public static string PartitionKey(ReplicaId replica) => replica.ToGrainKey().Replace('/', '|');

    public async Task<IReplicaLog> OpenAsync(ReplicaId replica, CancellationToken cancellationToken)
    {
        await _created.Value;
        var partition = PartitionKey(replica);
        for (var attempt = 0; ; attempt++)
        {
            var rows = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
            await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, cancellationToken: cancellationToken))
            {
                rows[row.RowKey] = row;
            }

            if (rows.TryGetValue(MetaRow, out var meta))
            {
                return Restore(partition, meta, rows);
            }

            // No state: the next incarnation, and its meta row, in one transaction (a racing activation loses it).
            var counter = rows.GetValueOrDefault(CounterRow);
            var incarnation = (counter?.GetInt64("Incarnation") ?? 0) + 1;
            var next = new TableEntity(partition, CounterRow) { ["Incarnation"] = incarnation };
            var fresh = Meta(partition, incarnation, default, 0, null, 0);
            List<TableTransactionAction> actions =
            [
                counter is null
                    ? new TableTransactionAction(TableTransactionActionType.Add, next)
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, next, counter.ETag),
                new TableTransactionAction(TableTransactionActionType.Add, fresh),
            ];
            try
            {
                var responses = await _table.SubmitTransactionAsync(actions, cancellationToken);
                return new Log(this, partition, incarnation, null, responses.Value[1].Headers.ETag ?? ETag.All, 0, 0);
            }
            catch (TableTransactionFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed && attempt < 5)
            {
                // Another activation created it first: read what it wrote.
            }
        }
    }

    public async Task DropAsync(ReplicaId replica)
    {
        await _created.Value;
        var partition = PartitionKey(replica);
        var batch = new List<TableTransactionAction>();
        await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, select: ["RowKey"]))
        {
            batch.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, row.RowKey), ETag.All));
            if (batch.Count == MaxBatchOps)
            {
                await DeleteAsync(batch);
                batch = [];
            }
        }

        if (batch.Count > 0)
        {
            await DeleteAsync(batch);
        }
    }

    private Log Restore(string partition, TableEntity meta, Dictionary<string, TableEntity> rows)
    {
        var incarnation = meta.GetInt64("Incarnation") ?? 0;
        var term = meta.GetInt64("Term") ?? 0;
        var voted = meta.GetInt32("VotedReplica") is { } votedReplica and >= 0 ? new MemberId(votedReplica, meta.GetInt64("VotedIncarnation") ?? 0) : (MemberId?)null;
        var commit = meta.GetInt64("Commit") ?? 0;
        var logTo = meta.GetInt64("LogTo") ?? 0;
        var snapIndex = meta.GetInt64("SnapIndex") ?? 0;
        RaftSnapshot? snapshot = null;
        if (snapIndex > 0)
        {
            var bytes = ReadParts(rows, SnapshotRow(snapIndex, 0), i => SnapshotRow(snapIndex, i), meta.GetInt32("SnapParts") ?? 0)
                ?? throw new InvalidDataException($"Replica {partition}: snapshot {snapIndex} is incomplete in storage.");
            var config = RaftCodec.DecodeSnapshotMeta(meta.GetBinary("SnapMeta")!).Config;
            snapshot = new RaftSnapshot(new RaftSnapshotMeta(snapIndex, meta.GetInt64("SnapTerm") ?? 0, config), bytes);
        }

        var entries = new List<LogEntry>();
        for (var index = snapIndex + 1; index <= logTo; index++)
        {
            var first = rows.GetValueOrDefault(EntryRow(index, 0))
                ?? throw new InvalidDataException($"Replica {partition}: log entry {index} of ({snapIndex}, {logTo}] is missing in storage.");
            var bytes = ReadParts(rows, first.RowKey, i => EntryRow(index, i), first.GetInt32("Parts") ?? 1)
                ?? throw new InvalidDataException($"Replica {partition}: log entry {index} is incomplete in storage.");
            entries.Add(RaftCodec.DecodeEntry(bytes));
        }

        var state = new RaftPersistedState(new HardState(term, voted, Math.Min(commit, Math.Max(logTo, snapIndex))), snapshot, entries);
        return new Log(this, partition, incarnation, state, meta.ETag, logTo, snapIndex);
    }

    private static byte[]? ReadParts(Dictionary<string, TableEntity> rows, string firstRow, Func<int, string> rowOf, int parts)
    {
        using var stream = new MemoryStream();
        for (var part = 0; part < parts; part++)
        {
            if (!rows.TryGetValue(part == 0 ? firstRow : rowOf(part), out var row))
            {
                return null;
            }

            TableRowSegments.Drain(row, stream);
        }

        return stream.ToArray();
    }

    /// <summary>Rows holding <paramref name="bytes"/>: the first under <paramref name="rowOf"/>(0) with <c>Parts</c>, the rest under rowOf(1..).</summary>
    private static List<TableEntity> PartRows(string partition, byte[] bytes, Func<int, string> rowOf)
    {
        var parts = Math.Max(1, (bytes.Length + RowBytes - 1) / RowBytes);
        var rows = new List<TableEntity>(parts);
        for (var part = 0; part < parts; part++)
        {
            var row = new TableEntity(partition, rowOf(part));
            if (part == 0)
            {
                row["Parts"] = parts;
            }

            var from = part * RowBytes;
            TableRowSegments.Fill(row, bytes.AsSpan(from, Math.Min(RowBytes, bytes.Length - from)));

            rows.Add(row);
        }

        return rows;
    }

    private static TableEntity Meta(string partition, long incarnation, HardState hard, long logTo, RaftSnapshot? snapshot, int snapParts) => new(partition, MetaRow)
    {
        ["Incarnation"] = incarnation,
        ["Term"] = hard.Term,
        ["VotedReplica"] = hard.VotedFor?.Replica ?? -1,
        ["VotedIncarnation"] = hard.VotedFor?.Incarnation ?? 0,
        ["Commit"] = hard.Commit,
        ["LogTo"] = logTo,
        ["SnapIndex"] = snapshot?.Meta.Index ?? 0,
        ["SnapTerm"] = snapshot?.Meta.Term ?? 0,
        ["SnapMeta"] = snapshot is null ? null : RaftCodec.EncodeSnapshotMeta(snapshot.Meta),
        ["SnapParts"] = snapParts,
    };

    private static string EntryRow(long index, int part) =>
        part == 0 ? string.Create(CultureInfo.InvariantCulture, $"e{index:D19}") : string.Create(CultureInfo.InvariantCulture, $"e{index:D19}.{part:D3}");

    private static string SnapshotRow(long index, int part) => string.Create(CultureInfo.InvariantCulture, $"s{index:D19}.{part:D6}");

    private Task DeleteAsync(List<TableTransactionAction> batch) => TableRowSegments.DeleteAsync(_table, batch);

    /// <summary>One activation's view: the meta row's ETag and what it says, kept in step with every write.</summary>
    private sealed class Log(AzureTableReplicaStorage storage, string partition, long incarnation, RaftPersistedState? state, ETag etag, long logTo, long snapIndex) : IReplicaLog
    {
        private ETag _etag = etag;
        private long _logTo = logTo;
        private long _snapIndex = snapIndex;
        private HardState _hard = state?.HardState ?? default;
        private RaftSnapshot? _snapshot = state?.Snapshot;
        private int _snapParts = state?.Snapshot is { } s ? Math.Max(1, (s.Data.Length + RowBytes - 1) / RowBytes) : 0;

        public long Incarnation => incarnation;

        public RaftPersistedState? State => state;

        public async ValueTask SaveAsync(RaftReady ready)
        {
            var hard = ready.HardState ?? _hard;
            var replaced = _snapIndex;
            if (ready.Snapshot is { } snapshot)
            {
                await WriteSnapshotAsync(snapshot);

                // The log now starts after the snapshot; entries below or at it are garbage from here on.
                _logTo = snapshot.Meta.Index;
            }

            if (ready.Entries.Count == 0)
            {
                if (ready.HardState is not null || ready.Snapshot is not null)
                {
                    await SubmitAsync([], hard, _logTo);
                }
            }
            else
            {
                await AppendAsync(ready.Entries, hard);
            }

            if (ready.Snapshot is { } installed)
            {
                await storage.CollectAsync(partition, replaced, installed.Meta.Index);
            }
        }

        private async Task AppendAsync(IReadOnlyList<LogEntry> entries, HardState hard)
        {

            // Entries in batches; each batch moves LogTo to its own last entry together with writing them.
            var pending = new List<TableEntity>();
            long bytes = 0;
            long last = 0;
            foreach (var entry in entries)
            {
                var encoded = RaftCodec.EncodeEntry(entry);
                var rows = PartRows(partition, encoded, p => EntryRow(entry.Index, p));
                var size = encoded.Length + 256L;
                if (pending.Count > 0 && (pending.Count + rows.Count > MaxBatchOps || bytes + size > MaxBatchBytes))
                {
                    await SubmitAsync(pending, hard, last);
                    pending = [];
                    bytes = 0;
                }

                pending.AddRange(rows);
                bytes += size;
                last = entry.Index;
            }

            await SubmitAsync(pending, hard, last);
        }

        public async ValueTask SaveSnapshotAsync(RaftSnapshot snapshot)
        {
            var old = _snapIndex;
            await WriteSnapshotAsync(snapshot);
            await SubmitAsync([], _hard, _logTo);
            await storage.CollectAsync(partition, old, snapshot.Meta.Index);
        }

        private async Task WriteSnapshotAsync(RaftSnapshot snapshot)
        {
            var rows = PartRows(partition, snapshot.Data, p => SnapshotRow(snapshot.Meta.Index, p));
            for (var i = 0; i < rows.Count; i += 4)
            {
                // Invisible until meta names this snapshot, so these batches need no condition.
                await storage._table.SubmitTransactionAsync(rows.Skip(i).Take(4).Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)));
            }

            _snapshot = snapshot;
            _snapIndex = snapshot.Meta.Index;
            _snapParts = rows.Count;
        }

        private async Task SubmitAsync(List<TableEntity> rows, HardState hard, long logTo)
        {
            var meta = Meta(partition, incarnation, hard, logTo, _snapshot, _snapParts);
            var actions = new List<TableTransactionAction>(rows.Count + 1) { new(TableTransactionActionType.UpdateReplace, meta, _etag) };
            actions.AddRange(rows.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)));
            try
            {
                var responses = await storage._table.SubmitTransactionAsync(actions);
                _etag = responses.Value[0].Headers.ETag ?? ETag.All;
                _hard = hard;
                _logTo = logTo;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
            {
                throw new ReplicaStorageConflictException($"Replica {partition}: its state was written by another activation (or dropped); this activation stops.", ex);
            }
        }
    }

    /// <summary>Best effort, after a snapshot: drops the older snapshot's rows and the entries the new one covers.</summary>
    private async Task CollectAsync(string partition, long oldSnapshot, long newSnapshot)
    {
        var doomed = new List<TableTransactionAction>();
        var low = EntryRow(0, 0);
        var high = EntryRow(newSnapshot, 0) + "~";
        await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {low} and RowKey lt {high}"), select: ["RowKey"]))
        {
            doomed.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, row.RowKey), ETag.All));
        }

        if (oldSnapshot > 0 && oldSnapshot != newSnapshot)
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"s{oldSnapshot:D19}.");
            var end = prefix + "~";
            await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {prefix} and RowKey lt {end}"), select: ["RowKey"]))
            {
                doomed.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, row.RowKey), ETag.All));
            }
        }

        for (var i = 0; i < doomed.Count; i += MaxBatchOps)
        {
            await DeleteAsync(doomed.Skip(i).Take(MaxBatchOps).ToList());
        }
    }
}
