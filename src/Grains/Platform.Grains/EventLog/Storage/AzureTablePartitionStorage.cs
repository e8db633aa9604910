using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;
using Orleans.Serialization;

namespace Platform.EventLog.Storage;

/// <summary>
/// Partitions in Azure Table storage (Azurite locally). One table partition per log partition
/// (<c>{topic}|{generation}|{p}</c>); a head row (<see cref="HeadRowKey"/>) with the next offset and the producer
/// table; and one segment per append: the append's records serialized and cut into 64 KiB binary properties, at most
/// <see cref="PartsPerRow"/> per row, in rows keyed by the append's first offset (<c>D19</c>) and, past the first,
/// <c>{first}.{n}</c>. An append is ONE batch transaction in that table partition: the head replaced with
/// <c>If-Match</c> on the ETag last read (added when new) and the segment rows added, so it is all-or-nothing, and of
/// two activations holding the same ETag only one stores its records (412/409 → <see cref="PartitionStorageConflictException"/>).
/// </summary>
public sealed class AzureTablePartitionStorage : IPartitionStorage
{
    public const string HeadRowKey = "head";

    /// <summary>Azure's limit for one binary property.</summary>
    public const int PartBytes = 64 * 1024;

    /// <summary>Binary properties per row: 11 x 64 KiB = 704 KiB, whose base64 stays under the 1 MiB entity limit.</summary>
    public const int PartsPerRow = 11;

    private const string RowsProperty = "Rows";

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

    public async Task<StoredPartition> LoadAsync(PartitionId partition, CancellationToken cancellationToken = default)
    {
        await _created.Value;
        var key = PartitionKey(partition);
        TableEntity? head = null;
        var segments = new SortedDictionary<string, TableEntity>(StringComparer.Ordinal);
        await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey == key, cancellationToken: cancellationToken))
        {
            if (row.RowKey == HeadRowKey)
            {
                head = row;
            }
            else
            {
                segments[row.RowKey] = row;
            }
        }

        if (head is null)
        {
            return new StoredPartition(new PartitionHead(), null, []);
        }

        var state = _serializer.Deserialize<PartitionHead>(Join([head])) ?? new PartitionHead();
        var records = new List<LogRecord>();
        foreach (var (rowKey, first) in segments)
        {
            if (rowKey.Contains('.', StringComparison.Ordinal))
            {
                continue;
            }

            var count = first.GetInt32(RowsProperty) ?? 1;
            var rows = new List<TableEntity> { first };
            var offset = long.Parse(rowKey, CultureInfo.InvariantCulture);
            for (var r = 1; r < count; r++)
            {
                rows.Add(segments[SegmentRowKey(offset, r)]);
            }

            records.AddRange((_serializer.Deserialize<List<LogRecord>>(Join(rows)) ?? []).Where(x => x.Offset >= state.EarliestOffset));
        }

        // Segments past the head (none can exist: they are written with it) or before the earliest are not served.
        records.RemoveAll(r => r.Offset >= state.NextOffset);
        return new StoredPartition(state, head.ETag.ToString(), records);
    }

    public async Task<string> AppendAsync(PartitionId partition, PartitionHead head, string? expectedETag, IReadOnlyList<LogRecord> records, CancellationToken cancellationToken = default)
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
            var blob = _serializer.SerializeToArray(records.ToList());
            var perRow = PartBytes * PartsPerRow;
            var rows = Math.Max(1, (blob.Length + perRow - 1) / perRow);
            for (var r = 0; r < rows; r++)
            {
                var row = new TableEntity(key, SegmentRowKey(records[0].Offset, r));
                if (r == 0)
                {
                    row[RowsProperty] = rows;
                }

                Split(blob.AsSpan(r * perRow, Math.Min(perRow, blob.Length - (r * perRow))).ToArray(), row);
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, row));
            }
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
