using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;
using Orleans.Serialization;

namespace Platform.EventLog.Storage;

/// <summary>
/// Partitions in Azure Table storage (Azurite locally). One table partition per log partition
/// (<c>{topic}|{generation}|{p}</c>); a head row (<see cref="HeadRowKey"/>) with the next and earliest offsets and
/// the producer table; and one chunk per append: the append's records serialized and cut into 64 KiB binary
/// properties, at most <see cref="PartsPerRow"/> per row, in rows keyed by the chunk's first offset (<c>D19</c>) and,
/// past the first, <c>{first}.{n}</c>; the first row names the chunk's segment, last offset, bytes and times, so
/// activation reads the segment index without the payloads. An append is ONE batch transaction in that table
/// partition: the head replaced with <c>If-Match</c> on the ETag last read (added when new) and the chunk rows added,
/// so it is all-or-nothing, and of two activations holding the same ETag only one stores its records (412/409 →
/// <see cref="PartitionStorageConflictException"/>).
/// </summary>
public sealed class AzureTablePartitionStorage : IPartitionStorage
{
    public const string HeadRowKey = "head";

    /// <summary>Azure's limit for one binary property.</summary>
    public const int PartBytes = 64 * 1024;

    /// <summary>Binary properties per row: 11 x 64 KiB = 704 KiB, whose base64 stays under the 1 MiB entity limit.</summary>
    public const int PartsPerRow = 11;

    private const string RowsProperty = "Rows";
    private const string SegmentProperty = "Seg";
    private const string LastProperty = "Last";
    private const string BytesProperty = "Bytes";
    private const string FirstTimeProperty = "Ts0";
    private const string LastTimeProperty = "Ts1";

    /// <summary>Kept bytes of one compaction run: its rows, base64 in one batch, stay under the 4 MiB batch limit.</summary>
    private const long RunBytes = 1536 * 1024;

    private readonly TableClient _table;
    private readonly Serializer _serializer;
    private readonly Lazy<Task> _created;

    public AzureTablePartitionStorage(TableServiceClient service, string tableName, Serializer serializer)
    {
        ArgumentNullException.ThrowIfNull(service);
        _table = service.GetTableClient(tableName);
        _serializer = serializer;
        _created = new Lazy<Task>(() => _table.CreateIfNotExistsAsync());
    }

    public static string PartitionKey(PartitionId partition) =>
        string.Create(CultureInfo.InvariantCulture, $"{partition.Topic}|{partition.Generation}|{partition.Index}");

    public static string SegmentRowKey(long firstOffset, int row) =>
        row == 0 ? firstOffset.ToString("D19", CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{firstOffset:D19}.{row:D3}");

    public async Task<StoredPartition> LoadAsync(PartitionId partition, long tailBytes = long.MaxValue, CancellationToken cancellationToken = default)
    {
        await _created.Value;
        var key = PartitionKey(partition);
        var head = await _table.GetEntityIfExistsAsync<TableEntity>(key, HeadRowKey, cancellationToken: cancellationToken);
        if (!head.HasValue || head.Value is null)
        {
            return new StoredPartition(new PartitionHead(), null, [], 0, []);
        }

        var state = _serializer.Deserialize<PartitionHead>(Join([head.Value])) ?? new PartitionHead();
        var chunks = new List<ChunkInfo>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {key} and RowKey ge {SegmentRowKey(state.EarliestOffset, 0)} and RowKey lt {HeadRowKey}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: ["RowKey", RowsProperty, SegmentProperty, LastProperty, BytesProperty, FirstTimeProperty, LastTimeProperty], cancellationToken: cancellationToken))
        {
            if (!row.RowKey.Contains('.', StringComparison.Ordinal))
            {
                chunks.Add(Info(row));
            }
        }

        chunks.RemoveAll(c => c.FirstOffset >= state.NextOffset);
        var start = chunks.Count;
        var bytes = 0L;
        while (start > 0 && bytes < tailBytes)
        {
            start--;
            bytes += chunks[start].Bytes;
        }

        var tailStart = start < chunks.Count ? chunks[start].FirstOffset : state.NextOffset;
        var tail = start < chunks.Count
            ? await ReadAsync(partition, tailStart, tailStart, state.NextOffset, int.MaxValue, long.MaxValue, cancellationToken)
            : [];
        return new StoredPartition(state, head.Value.ETag.ToString(), ChunkInfo.Segments(chunks), tailStart, tail);
    }

    public async Task<string> AppendAsync(PartitionId partition, PartitionHead head, string? expectedETag, long segment, IReadOnlyList<LogRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(records);
        await _created.Value;
        var key = PartitionKey(partition);
        var actions = new List<TableTransactionAction>();
        var headRow = new TableEntity(key, HeadRowKey);
        Split(_serializer.SerializeToArray(head), headRow);
        actions.Add(expectedETag is null
            ? new TableTransactionAction(TableTransactionActionType.Add, headRow)
            : new TableTransactionAction(TableTransactionActionType.UpdateReplace, headRow, new ETag(expectedETag)));
        if (records.Count > 0)
        {
            actions.AddRange(ChunkRows(key, ChunkInfo.Of(segment, records), records).Select(r => new TableTransactionAction(TableTransactionActionType.Add, r)));
        }

        try
        {
            var response = await _table.SubmitTransactionAsync(actions, cancellationToken);
            return response.Value[0].Headers.ETag?.ToString() ?? throw new InvalidOperationException("Azure Table storage answered an append without the head's ETag.");
        }
        catch (TableTransactionFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.Conflict)
        {
            throw new PartitionStorageConflictException($"Partition {partition}: another writer changed the head or stored these offsets ({ex.ErrorCode}).", ex);
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.Conflict)
        {
            throw new PartitionStorageConflictException($"Partition {partition}: another writer changed the head or stored these offsets ({ex.ErrorCode}).", ex);
        }
    }

    public async Task<IReadOnlyList<LogRecord>> ReadAsync(PartitionId partition, long segment, long fromOffset, long toOffset, int limit, long maxBytes, CancellationToken cancellationToken = default)
    {
        await _created.Value;
        var cursor = new ChunkCursor(fromOffset, toOffset, limit, maxBytes);
        await foreach (var (info, rows) in ChunksAsync(partition, segment, toOffset, cancellationToken))
        {
            cursor.Add(info.LastOffset, Records(rows));
            if (cursor.Done)
            {
                break;
            }
        }

        return cursor.Records;
    }

    public async Task<string> TruncateAsync(PartitionId partition, PartitionHead head, string expectedETag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(head);
        await _created.Value;
        var key = PartitionKey(partition);
        var headRow = new TableEntity(key, HeadRowKey);
        Split(_serializer.SerializeToArray(head), headRow);
        string etag;
        try
        {
            etag = (await _table.UpdateEntityAsync(headRow, new ETag(expectedETag), TableUpdateMode.Replace, cancellationToken)).Headers.ETag?.ToString()
                ?? throw new InvalidOperationException("Azure Table storage answered a head write without its ETag.");
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.Conflict or (int)HttpStatusCode.NotFound)
        {
            throw new PartitionStorageConflictException($"Partition {partition}: another writer changed the head ({ex.ErrorCode}).", ex);
        }

        // The head no longer serves anything below its earliest offset: rows left behind by a crash here are ignored
        // on load and deleted by the next truncation.
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {key} and RowKey lt {SegmentRowKey(head.EarliestOffset, 0)}");
        var batch = new List<TableTransactionAction>();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            batch.Add(new TableTransactionAction(TableTransactionActionType.Delete, row, ETag.All));
            if (batch.Count == 100)
            {
                await DeleteQuietlyAsync(batch, cancellationToken);
                batch = [];
            }
        }

        await DeleteQuietlyAsync(batch, cancellationToken);
        return etag;
    }

    public async Task<SegmentInfo> CompactAsync(PartitionId partition, SegmentInfo segment, Func<LogRecord, bool> keep, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(segment);
        ArgumentNullException.ThrowIfNull(keep);
        await _created.Value;
        var key = PartitionKey(partition);
        var chunks = new List<(ChunkInfo Info, List<TableEntity> Rows, List<LogRecord> Records)>();
        var cursor = new ChunkCursor(segment.FirstOffset, segment.LastOffset + 1, int.MaxValue, long.MaxValue);
        await foreach (var (info, rows) in ChunksAsync(partition, segment.FirstOffset, segment.LastOffset + 1, cancellationToken))
        {
            var before = cursor.Records.Count;
            cursor.Add(info.LastOffset, Records(rows));
            chunks.Add((info, rows, cursor.Records.GetRange(before, cursor.Records.Count - before)));
        }

        // Runs of consecutive chunks, each rewritten as one chunk in one batch (under 100 rows and ~1.5 MiB kept):
        // the new chunk replaces the run's first chunk and covers the whole run, so a crash between batches leaves
        // the run's other chunks covered (skipped on read) and every record readable once.
        var bytes = 0L;
        var i = 0;
        while (i < chunks.Count)
        {
            var run = new List<(ChunkInfo Info, List<TableEntity> Rows, List<LogRecord> Records)> { chunks[i] };
            var kept = chunks[i].Records.Where(keep).ToList();
            var rowsInRun = chunks[i].Rows.Count;
            i++;
            while (i < chunks.Count && rowsInRun + chunks[i].Rows.Count <= 90 && kept.Sum(SegmentInfo.SizeOf) + chunks[i].Records.Where(keep).Sum(SegmentInfo.SizeOf) <= RunBytes)
            {
                kept.AddRange(chunks[i].Records.Where(keep));
                rowsInRun += chunks[i].Rows.Count;
                run.Add(chunks[i]);
                i++;
            }

            var info = new ChunkInfo(segment.FirstOffset, run[0].Info.FirstOffset, run[^1].Info.LastOffset, kept.Sum(SegmentInfo.SizeOf), run[0].Info.FirstTimestamp, run[^1].Info.LastTimestamp);
            bytes += info.Bytes;
            if (run.Count == 1 && kept.Count == run[0].Records.Count)
            {
                continue;
            }

            var rows = ChunkRows(key, info, kept);
            var written = rows.Select(r => r.RowKey).ToHashSet(StringComparer.Ordinal);
            var actions = rows.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)).ToList();
            actions.AddRange(run.SelectMany(c => c.Rows).Where(r => !written.Contains(r.RowKey)).Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)));
            await _table.SubmitTransactionAsync(actions, cancellationToken);
        }

        return segment with { Bytes = bytes };
    }

    public async Task DropAsync(PartitionId partition, CancellationToken cancellationToken = default)
    {
        await _created.Value;
        var key = PartitionKey(partition);
        var batch = new List<TableTransactionAction>();
        await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey == key, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            if (row.RowKey == HeadRowKey)
            {
                continue;
            }

            batch.Add(new TableTransactionAction(TableTransactionActionType.Delete, row, ETag.All));
            if (batch.Count == 99)
            {
                await _table.SubmitTransactionAsync(batch, cancellationToken);
                batch.Clear();
            }
        }

        var dropped = new TableEntity(key, HeadRowKey);
        Split(_serializer.SerializeToArray(new PartitionHead { Dropped = true }), dropped);
        batch.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, dropped));
        await _table.SubmitTransactionAsync(batch, cancellationToken);
    }

    private async Task DeleteQuietlyAsync(List<TableTransactionAction> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            await _table.SubmitTransactionAsync(batch, cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            // Another activation deleted some of them: what is left is deleted by the next truncation.
        }
    }

    /// <summary>The chunks (first row's info and all its rows) from the one starting at <paramref name="fromFirst"/> to those starting before <paramref name="beforeFirst"/>.</summary>
    private async IAsyncEnumerable<(ChunkInfo Info, List<TableEntity> Rows)> ChunksAsync(PartitionId partition, long fromFirst, long beforeFirst, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var key = PartitionKey(partition);
        var upper = beforeFirst >= long.MaxValue ? HeadRowKey : SegmentRowKey(beforeFirst, 0);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {key} and RowKey ge {SegmentRowKey(Math.Max(0, fromFirst), 0)} and RowKey lt {upper}");
        ChunkInfo? info = null;
        var rows = new List<TableEntity>();
        var expected = 0;
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (row.RowKey == HeadRowKey)
            {
                continue;
            }

            if (!row.RowKey.Contains('.', StringComparison.Ordinal))
            {
                info = Info(row);
                rows = [row];
                expected = row.GetInt32(RowsProperty) ?? 1;
            }
            else if (info is not null)
            {
                rows.Add(row);
            }

            if (info is not null && rows.Count == expected)
            {
                yield return (info, rows);
                info = null;
            }
        }
    }

    private List<LogRecord> Records(List<TableEntity> rows) => _serializer.Deserialize<List<LogRecord>>(Join(rows)) ?? [];

    private List<TableEntity> ChunkRows(string key, ChunkInfo info, IReadOnlyList<LogRecord> records)
    {
        var blob = _serializer.SerializeToArray(records.ToList());
        var perRow = PartBytes * PartsPerRow;
        var count = Math.Max(1, (blob.Length + perRow - 1) / perRow);
        var rows = new List<TableEntity>();
        for (var r = 0; r < count; r++)
        {
            var row = new TableEntity(key, SegmentRowKey(info.FirstOffset, r));
            if (r == 0)
            {
                row[RowsProperty] = count;
                row[SegmentProperty] = info.Segment;
                row[LastProperty] = info.LastOffset;
                row[BytesProperty] = info.Bytes;
                row[FirstTimeProperty] = info.FirstTimestamp;
                row[LastTimeProperty] = info.LastTimestamp;
            }

            Split(blob.AsSpan(r * perRow, Math.Min(perRow, blob.Length - (r * perRow))).ToArray(), row);
            rows.Add(row);
        }

        return rows;
    }

    private static ChunkInfo Info(TableEntity row)
    {
        var first = long.Parse(row.RowKey, CultureInfo.InvariantCulture);
        return new ChunkInfo(
            row.GetInt64(SegmentProperty) ?? first,
            first,
            row.GetInt64(LastProperty) ?? first,
            row.GetInt64(BytesProperty) ?? 0,
            row.GetDateTimeOffset(FirstTimeProperty) ?? DateTimeOffset.MinValue,
            row.GetDateTimeOffset(LastTimeProperty) ?? DateTimeOffset.MinValue);
    }

    private static void Split(byte[] bytes, TableEntity row)
    {
        var parts = Math.Max(1, (bytes.Length + PartBytes - 1) / PartBytes);
        if (parts > PartsPerRow)
        {
            throw new InvalidOperationException($"A row of {bytes.Length} bytes does not fit {PartsPerRow} properties of {PartBytes} bytes.");
        }

        row["Parts"] = parts;
        for (var i = 0; i < parts; i++)
        {
            row[$"P{i}"] = bytes.AsSpan(i * PartBytes, Math.Min(PartBytes, bytes.Length - (i * PartBytes))).ToArray();
        }
    }

    private static byte[] Join(IEnumerable<TableEntity> rows)
    {
        using var stream = new MemoryStream();
        foreach (var row in rows)
        {
            var parts = row.GetInt32("Parts") ?? 0;
            for (var i = 0; i < parts; i++)
            {
                stream.Write(row.GetBinary($"P{i}"));
            }
        }

        return stream.ToArray();
    }
}
