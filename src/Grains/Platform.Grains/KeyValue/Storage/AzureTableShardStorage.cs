using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Platform.Errors;
using Platform.Sharding;

namespace Platform.KeyValue.Storage;

/// <summary>
/// Shard storage in Azure Table storage (Azurite locally). One partition per shard; one head row per key whose row
/// key maps each UTF-8 byte b of the key to the character U+0100+b (see <see cref="RowKey"/>): row order is the keys'
/// ordinal byte order, and a 512-byte key is 512 characters, the row-key limit (1 KiB of UTF-16; hex would need 1024).
/// A value is cut into 64 KiB binary properties, at most <see cref="SegmentsPerRow"/> per row; what does not fit the
/// head row goes to chunk rows of the same partition (row key <c>~{sha256(key)}:{n}</c>, never a head row key). Every write of a key and its chunks is ONE
/// batch transaction within ONE partition, conditional on the head row's ETag, so it is all-or-nothing and of two
/// writers holding the same ETag only one wins (412/409 → <see cref="ShardStorageConflictException"/>).
/// </summary>
public sealed class AzureTableShardStorage : IShardStorage
{
    /// <summary>Azure's limit for one binary property.</summary>
    public const int SegmentBytes = 64 * 1024;

    /// <summary>
    /// Binary properties per row: 11 x 64 KiB = 704 KiB, whose base64 (939 KiB) with the other properties stays under
    /// the 1 MiB entity limit even as Azurite measures it (on the JSON body; Azure counts raw bytes).
    /// </summary>
    public const int SegmentsPerRow = 11;

    /// <summary>Largest value this storage accepts: a write is one batch, and Azure caps a batch at 4 MiB of base64 payload.</summary>
    public const int MaxValueBytes = 2 * 1024 * 1024;

    private const int MaxBatch = 100;
    private const int RowKeyBase = 0x100;
    private const char ChunkPrefix = '~';
    private const string ContentTypeProperty = "ContentType";
    private const string VersionProperty = "Version";
    private const string ModifiedProperty = "ModifiedAt";
    private const string LengthProperty = "Length";
    private const string ChunksProperty = "Chunks";
    private const string WriteIdProperty = "WriteId";

    /// <summary>The key's fence record (<see cref="KeyValueEntry.Fences"/>) as a JSON object {lock: token}; absent when never fenced.</summary>
    private const string FencesProperty = "Fences";

    /// <summary>True on a tombstone's head row (<see cref="KeyValueEntry.Deleted"/>, no value, no chunks); absent on live rows, so rows written before tombstones read as live.</summary>
    private const string DeletedProperty = "Deleted";

    /// <summary>The row key of a shard's lease, in its own partition (<see cref="LeasePartitionKey"/>).</summary>
    private const string LeaseRowKey = "lease";
    private const string HolderProperty = "Holder";
    private const string DurationProperty = "DurationMs";

    private readonly TableClient _table;
    private readonly Lazy<Task> _created;

    public AzureTableShardStorage(TableServiceClient service, string tableName)
    {
        _table = service.GetTableClient(tableName);
        _created = new Lazy<Task>(() => _table.CreateIfNotExistsAsync());
    }

    /// <summary>The partition key of a shard: its id with '|' separators ('/' is not allowed in keys; names never contain '|').</summary>
    public static string PartitionKey(ShardId shard) =>
        string.Create(CultureInfo.InvariantCulture, $"{shard.Namespace}|{shard.Generation}|{shard.Index}");

    /// <summary>
    /// The partition of a shard's activation lease: the shard's own partition key plus <c>|lease</c>. Apart from the
    /// key rows, so loading a shard never sees it (silos that predate leases included).
    /// </summary>
    public static string LeasePartitionKey(ShardId shard) => PartitionKey(shard) + "|lease";

    /// <summary>
    /// The head row key of a key: each UTF-8 byte b becomes the character U+0100+b. Order-preserving (ordinal byte
    /// order = ordinal string order), free of the characters Azure forbids in keys, one character per byte.
    /// </summary>
    public static string RowKey(string key)
    {
        var bytes = Encoding.UTF8.GetBytes(key);
        return string.Create(bytes.Length, bytes, static (chars, b) =>
        {
            for (var i = 0; i < b.Length; i++)
            {
                chars[i] = (char)(RowKeyBase + b[i]);
            }
        });
    }

    private static string KeyOf(string rowKey)
    {
        var bytes = new byte[rowKey.Length];
        for (var i = 0; i < rowKey.Length; i++)
        {
            bytes[i] = (byte)(rowKey[i] - RowKeyBase);
        }

        return Encoding.UTF8.GetString(bytes);
    }

    public async Task<IReadOnlyList<StoredEntry>> LoadAsync(ShardId shard, CancellationToken cancellationToken = default)
    {
        await _created.Value;
        var partition = PartitionKey(shard);
        for (var attempt = 0; ; attempt++)
        {
            var heads = new List<TableEntity>();
            var chunks = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
            await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, cancellationToken: cancellationToken))
            {
                if (row.RowKey[0] == ChunkPrefix)
                {
                    chunks[row.RowKey] = row;
                }
                else
                {
                    heads.Add(row);
                }
            }

            var entries = new List<StoredEntry>(heads.Count);
            var torn = false;
            foreach (var head in heads)
            {
                var key = KeyOf(head.RowKey);
                var parts = ChunkRowKeys(key, head.GetInt32(ChunksProperty) ?? 0).Select(rk => chunks.GetValueOrDefault(rk)).ToList();
                var entry = Assemble(key, head, parts);
                if (entry is null)
                {
                    torn = true;
                    break;
                }

                entries.Add(entry);
            }

            // A torn read (a concurrent writer replaced chunks between pages) is retried; the scan is not a snapshot.
            if (!torn || attempt >= 5)
            {
                return torn ? throw new PlatformUnavailableException($"Shard {shard} kept changing while it was read; retry.") : entries;
            }
        }
    }

    public async Task<StoredEntry?> ReadAsync(ShardId shard, string key, CancellationToken cancellationToken = default)
    {
        await _created.Value;
        var partition = PartitionKey(shard);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var head = await _table.GetEntityIfExistsAsync<TableEntity>(partition, RowKey(key), cancellationToken: cancellationToken);
            if (!head.HasValue || head.Value is null)
            {
                return null;
            }

            var parts = new List<TableEntity?>();
            foreach (var rowKey in ChunkRowKeys(key, head.Value.GetInt32(ChunksProperty) ?? 0))
            {
                var chunk = await _table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, cancellationToken: cancellationToken);
                parts.Add(chunk.HasValue ? chunk.Value : null);
            }

            var entry = Assemble(key, head.Value, parts);
            if (entry is not null)
            {
                return entry;
            }
        }

        throw new PlatformUnavailableException($"Key '{key}' of shard {shard} kept changing while it was read; retry.");
    }

    public async Task<string> WriteAsync(ShardId shard, KeyValueEntry entry, string? expectedETag, CancellationToken cancellationToken = default)
    {
        if (entry.Value.Length > MaxValueBytes)
        {
            throw new ArgumentException($"Azure Table shard storage holds values up to {MaxValueBytes} bytes (got {entry.Value.Length}).", nameof(entry));
        }

        await _created.Value;
        var partition = PartitionKey(shard);
        var writeId = Guid.NewGuid().ToString("N");
        var segments = Segment(entry.Value);
        var chunkCount = Math.Max(0, (segments.Count - 1) / SegmentsPerRow);

        var head = new TableEntity(partition, RowKey(entry.Key))
        {
            [VersionProperty] = entry.Version,
            [ModifiedProperty] = entry.ModifiedAt,
            [LengthProperty] = entry.Value.Length,
            [ChunksProperty] = chunkCount,
            [WriteIdProperty] = writeId,
        };
        if (entry.ContentType is not null)
        {
            head[ContentTypeProperty] = entry.ContentType;
        }

        if (entry.Fences is { Count: > 0 } fences)
        {
            head[FencesProperty] = System.Text.Json.JsonSerializer.Serialize(fences);
        }

        if (entry.Deleted)
        {
            head[DeletedProperty] = true;
        }

        AddSegments(head, segments, 0);
        var actions = new List<TableTransactionAction>();
        int oldChunks;
        if (expectedETag is null)
        {
            oldChunks = 0;
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, head));
        }
        else
        {
            (oldChunks, var etag) = ParseETag(expectedETag);
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, head, etag));
        }

        var chunkKeys = ChunkRowKeys(entry.Key, Math.Max(chunkCount, oldChunks));
        for (var i = 0; i < chunkKeys.Count; i++)
        {
            if (i < chunkCount)
            {
                var chunk = new TableEntity(partition, chunkKeys[i]) { [WriteIdProperty] = writeId };
                AddSegments(chunk, segments, (i + 1) * SegmentsPerRow);
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, chunk));
            }
            else
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, chunkKeys[i]), ETag.All));
            }
        }

        var responses = await SubmitAsync(actions, entry.Key, expectedETag, cancellationToken);
        return FormatETag(chunkCount, responses[0].Headers.ETag ?? throw new InvalidOperationException("Azure Table returned no ETag."));
    }

    public async Task DeleteAsync(ShardId shard, string key, string expectedETag, CancellationToken cancellationToken = default)
    {
        await _created.Value;
        var partition = PartitionKey(shard);
        var (chunks, etag) = ParseETag(expectedETag);
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Delete, new TableEntity(partition, RowKey(key)), etag),
        };
        actions.AddRange(ChunkRowKeys(key, chunks).Select(rk =>
            new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, rk), ETag.All)));
        await SubmitAsync(actions, key, expectedETag, cancellationToken);
    }

    public async Task DropAsync(ShardId shard, CancellationToken cancellationToken = default)
    {
        await _created.Value;
        var partition = PartitionKey(shard);
        var batch = new List<TableTransactionAction>(MaxBatch);
        await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            batch.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, row.RowKey), ETag.All));
            if (batch.Count == MaxBatch)
            {
                await DeleteBatchAsync(batch, cancellationToken);
                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            await DeleteBatchAsync(batch, cancellationToken);
        }

        await _table.DeleteEntityAsync(LeasePartitionKey(shard), LeaseRowKey, ETag.All, cancellationToken);
    }

    public async Task<StoredShardLease?> ReadLeaseAsync(ShardId shard, CancellationToken cancellationToken = default)
    {
        await _created.Value;
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(LeasePartitionKey(shard), LeaseRowKey, cancellationToken: cancellationToken);
        if (!row.HasValue || row.Value is null)
        {
            return null;
        }

        var lease = new ShardLease(row.Value.GetString(HolderProperty) ?? "", TimeSpan.FromMilliseconds(row.Value.GetInt64(DurationProperty) ?? 0));
        return new StoredShardLease(lease, row.Value.ETag.ToString());
    }

    public async Task<string> WriteLeaseAsync(ShardId shard, ShardLease lease, string? expectedETag, CancellationToken cancellationToken = default)
    {
        await _created.Value;
        var row = new TableEntity(LeasePartitionKey(shard), LeaseRowKey)
        {
            [HolderProperty] = lease.Holder,
            [DurationProperty] = (long)lease.Duration.TotalMilliseconds,
        };
        try
        {
            var response = expectedETag is null
                ? await _table.AddEntityAsync(row, cancellationToken)
                : await _table.UpdateEntityAsync(row, new ETag(expectedETag), TableUpdateMode.Replace, cancellationToken);
            return response.Headers.ETag?.ToString() ?? throw new InvalidOperationException("Azure Table returned no ETag.");
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.Conflict or (int)HttpStatusCode.NotFound)
        {
            throw new ShardStorageConflictException($"The lease of shard {shard} changed in storage (expected ETag '{expectedETag}', status {ex.Status}).", ex);
        }
    }

    private async Task DeleteBatchAsync(List<TableTransactionAction> batch, CancellationToken cancellationToken)
    {
        try
        {
            await _table.SubmitTransactionAsync(batch, cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            // Someone deleted a row meanwhile; delete the rest one by one.
            foreach (var action in batch)
            {
                await _table.DeleteEntityAsync(action.Entity.PartitionKey, action.Entity.RowKey, ETag.All, cancellationToken);
            }
        }
    }

    private async Task<IReadOnlyList<Response>> SubmitAsync(List<TableTransactionAction> actions, string key, string? expectedETag, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _table.SubmitTransactionAsync(actions, cancellationToken);
            return response.Value;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.Conflict or (int)HttpStatusCode.NotFound)
        {
            throw new ShardStorageConflictException($"Key '{key}' changed in storage (expected ETag '{expectedETag}', status {ex.Status}).", ex);
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.Conflict)
        {
            throw new ShardStorageConflictException($"Key '{key}' changed in storage (expected ETag '{expectedETag}', status {ex.Status}).", ex);
        }
    }

    private static StoredEntry? Assemble(string key, TableEntity head, List<TableEntity?> chunks)
    {
        var writeId = head.GetString(WriteIdProperty);
        if (chunks.Any(c => c is null || c.GetString(WriteIdProperty) != writeId))
        {
            return null;
        }

        var length = head.GetInt32(LengthProperty) ?? 0;
        var value = new byte[length];
        var offset = Copy(head, value, 0);
        foreach (var chunk in chunks)
        {
            offset = Copy(chunk!, value, offset);
        }

        if (offset != length)
        {
            return null;
        }

        var entry = new KeyValueEntry
        {
            Key = key,
            Value = value,
            ContentType = head.GetString(ContentTypeProperty),
            Version = head.GetInt64(VersionProperty) ?? 0,
            ModifiedAt = head.GetDateTimeOffset(ModifiedProperty) ?? default,
            Fences = head.GetString(FencesProperty) is { Length: > 0 } fences
                ? System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, long>>(fences)
                : null,
            Deleted = head.GetBoolean(DeletedProperty) ?? false,
        };
        return new StoredEntry(entry, FormatETag(chunks.Count, head.ETag));
    }

    private static int Copy(TableEntity row, byte[] value, int offset)
    {
        for (var i = 0; i < SegmentsPerRow && offset < value.Length; i++)
        {
            var segment = row.GetBinary(SegmentName(i));
            if (segment is null)
            {
                break;
            }

            var n = Math.Min(segment.Length, value.Length - offset);
            Buffer.BlockCopy(segment, 0, value, offset, n);
            offset += n;
        }

        return offset;
    }

    private static List<byte[]> Segment(byte[] value)
    {
        var segments = new List<byte[]>();
        for (var offset = 0; offset < value.Length; offset += SegmentBytes)
        {
            segments.Add(value[offset..Math.Min(value.Length, offset + SegmentBytes)]);
        }

        return segments;
    }

    private static void AddSegments(TableEntity row, List<byte[]> segments, int first)
    {
        for (var i = 0; i < SegmentsPerRow && first + i < segments.Count; i++)
        {
            row[SegmentName(i)] = segments[first + i];
        }
    }

    private static string SegmentName(int i) => string.Create(CultureInfo.InvariantCulture, $"V{i:D2}");

    private static List<string> ChunkRowKeys(string key, int count)
    {
        if (count == 0)
        {
            return [];
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        return [.. Enumerable.Range(1, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"{ChunkPrefix}{hash}:{i:D3}"))];
    }

    // The ETag handed to the grain carries the chunk count, so the next write knows which chunk rows to replace.
    private static string FormatETag(int chunks, ETag etag) => string.Create(CultureInfo.InvariantCulture, $"{chunks};{etag}");

    private static (int Chunks, ETag ETag) ParseETag(string etag)
    {
        var separator = etag.IndexOf(';', StringComparison.Ordinal);
        if (separator < 1 || !int.TryParse(etag.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var chunks))
        {
            throw new ShardStorageConflictException($"'{etag}' is not an ETag of this storage.");
        }

        return (chunks, new ETag(etag[(separator + 1)..]));
    }
}
