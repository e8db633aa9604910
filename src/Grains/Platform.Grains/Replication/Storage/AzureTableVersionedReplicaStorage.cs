using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Platform.Replication.Quorum;

namespace Platform.Replication.Storage;

/// <summary>
/// Versioned replica states in Azure Table storage, one partition per replica (<c>q|{ns}|{gen}|{shard}|{r}</c>, in the
/// same table as the Raft replicas, whose partitions have one segment less), one row per key:
/// <list type="bullet">
/// <item><c>k{base64url(key)}</c> (<c>kh{sha256}</c> for keys over 180 bytes; the key itself in <c>Key</c>): the key's canonical state bytes (<see cref="Crdt.KeyStateCodec"/>) in 64 KiB
/// segments, written conditional on the ETag this activation last saw (or as a create), so two activations of one
/// replica never overwrite each other's merges: the loser reads the row, merges it and writes again.</item>
/// <item><c>p{base64url(key)}.{gen}.{i}</c>: for a state over 704 KiB, its parts, written before the key row names
/// their generation (so a reader never sees a key row whose parts are missing) and deleted once a newer one is named.</item>
/// </list>
/// </summary>
public sealed class AzureTableVersionedReplicaStorage : IVersionedReplicaStorage
{
    private const int RowBytes = TableRowSegments.RowBytes;
    private const int MaxAttempts = 16;

    /// <summary>Before every row's timestamp (table timestamps start in 1601).</summary>
    private static readonly DateTimeOffset Epoch = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // Base64url of 180 bytes is 240 characters; longer keys are hashed. No unpadded base64url string is 65 characters
    // long, so "kh" + 64 hex digits never names a short key's row.
    private const int MaxInlineKeyBytes = 180;

    private readonly TableClient _table;
    private readonly Lazy<Task> _created;

    public AzureTableVersionedReplicaStorage(TableServiceClient service, string tableName)
    {
        ArgumentNullException.ThrowIfNull(service);
        _table = service.GetTableClient(tableName);
        _created = new Lazy<Task>(() => _table.CreateIfNotExistsAsync());
    }

    public bool Durable => true;

    /// <summary>The replica's partition ('/' is not allowed in keys; names never contain '|').</summary>
    public static string PartitionKey(ReplicaId replica) => "q|" + replica.ToGrainKey().Replace('/', '|');

    public async Task<IVersionedReplicaStore> OpenAsync(ReplicaId replica, CancellationToken cancellationToken)
    {
        await _created.Value;
        var partition = PartitionKey(replica);
        var rows = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, cancellationToken: cancellationToken))
        {
            rows[row.RowKey] = row;
        }

        var store = new Store(this, partition);
        var loaded = new List<VersionedEntry>();
        foreach (var head in rows.Values.Where(r => r.RowKey.StartsWith('k')))
        {
            var key = KeyOf(head);
            var bytes = Assemble(head, rows) ?? (await store.ReadAsync(key, cancellationToken))?.Bytes;
            if (bytes is not null)
            {
                loaded.Add(new VersionedEntry(key, bytes));
                store.Seen(key, head);
            }
        }

        store.Loaded = loaded;
        store.Watermark = rows.Values.Select(r => r.Timestamp ?? DateTimeOffset.MinValue).DefaultIfEmpty(DateTimeOffset.MinValue).Max();
        return store;
    }

    public async Task DropAsync(ReplicaId replica)
    {
        await _created.Value;
        await DropPartitionAsync(PartitionKey(replica));
    }

    /// <summary>The key's row: base64url of its UTF-8 bytes, or for a long key (row keys are short) a SHA-256 of them; the key itself is in <c>Key</c>.</summary>
    private static string RowOf(string key)
    {
        var bytes = Encoding.UTF8.GetBytes(key);
        return bytes.Length <= MaxInlineKeyBytes ? "k" + Base64Url.EncodeToString(bytes) : "kh" + Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    private static string KeyOf(TableEntity head) => head.GetString("Key") ?? throw new InvalidDataException($"Versioned replica row {head.RowKey} has no Key.");

    private static string PartRow(string key, string gen, int part) =>
        string.Create(CultureInfo.InvariantCulture, $"p{RowOf(key)[1..]}.{gen}.{part:D4}");

    /// <summary>The key row's state: inline, or from its generation's part rows (null when one is missing).</summary>
    private static byte[]? Assemble(TableEntity head, Dictionary<string, TableEntity> rows)
    {
        using var stream = new MemoryStream();
        var parts = head.GetInt32("Parts") ?? 0;
        if (parts == 0)
        {
            TableRowSegments.Drain(head, stream);
            return stream.ToArray();
        }

        var key = KeyOf(head);
        var gen = head.GetString("Gen") ?? "";
        for (var i = 0; i < parts; i++)
        {
            if (!rows.TryGetValue(PartRow(key, gen, i), out var part))
            {
                return null;
            }

            TableRowSegments.Drain(part, stream);
        }

        return stream.ToArray();
    }

    private async Task DropPartitionAsync(string partition, string? rowPrefix = null)
    {
        var filter = rowPrefix is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {rowPrefix} and RowKey lt {rowPrefix + "~"}");
        var batch = new List<TableTransactionAction>();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: ["RowKey"]))
        {
            batch.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, row.RowKey), ETag.All));
            if (batch.Count == TableRowSegments.MaxBatchOps)
            {
                await TableRowSegments.DeleteAsync(_table, batch);
                batch = [];
            }
        }

        if (batch.Count > 0)
        {
            await TableRowSegments.DeleteAsync(_table, batch);
        }
    }

    /// <summary>One activation: the ETag and part generation of every key row as it last read or wrote it.</summary>
    private sealed class Store(AzureTableVersionedReplicaStorage storage, string partition) : IVersionedReplicaStore
    {
        private readonly Dictionary<string, (ETag ETag, string? Gen)> _seen = new(StringComparer.Ordinal);

        public IReadOnlyList<VersionedEntry> Loaded { get; set; } = [];

        /// <summary>The newest row timestamp this activation has looked at (the server's clock).</summary>
        public DateTimeOffset Watermark { get; set; } = DateTimeOffset.MinValue;

        public async Task<IReadOnlyList<VersionedEntry>> ChangedAsync(CancellationToken cancellationToken)
        {
            // A margin below the watermark: rows committed out of timestamp order around it are not missed.
            var since = Watermark < Epoch ? Epoch : Watermark - TimeSpan.FromSeconds(5);
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and Timestamp ge {since}");
            var changed = new List<string>();
            var newest = Watermark;
            await foreach (var row in Table.QueryAsync<TableEntity>(filter, select: ["RowKey", "Key", "Timestamp"], cancellationToken: cancellationToken))
            {
                newest = row.Timestamp is { } t && t > newest ? t : newest;
                if (row.RowKey.StartsWith('k') && row.GetString("Key") is { } key && (!_seen.TryGetValue(key, out var seen) || seen.ETag != row.ETag))
                {
                    changed.Add(key);
                }
            }

            var entries = new List<VersionedEntry>();
            foreach (var key in changed)
            {
                if (await ReadAsync(key, cancellationToken) is { } stored && (!_seen.TryGetValue(key, out var seen) || seen.ETag != stored.Head.ETag))
                {
                    Seen(key, stored.Head);
                    entries.Add(new VersionedEntry(key, stored.Bytes));
                }
            }

            Watermark = newest;
            return entries;
        }

        private TableClient Table => storage._table;

        public void Seen(string key, TableEntity head) => _seen[key] = (head.ETag, (head.GetInt32("Parts") ?? 0) > 0 ? head.GetString("Gen") : null);

        public async Task<(byte[] Bytes, TableEntity Head)?> ReadAsync(string key, CancellationToken cancellationToken)
        {
            var head = await Table.GetEntityIfExistsAsync<TableEntity>(partition, RowOf(key), cancellationToken: cancellationToken);
            if (!head.HasValue)
            {
                return null;
            }

            var row = head.Value!;
            var rows = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
            if ((row.GetInt32("Parts") ?? 0) > 0)
            {
                var prefix = PartRow(key, row.GetString("Gen") ?? "", 0)[..^4];
                var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {prefix} and RowKey lt {prefix + "~"}");
                await foreach (var part in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
                {
                    rows[part.RowKey] = part;
                }
            }

            return Assemble(row, rows) is { } bytes ? (bytes, row) : null;
        }

        public async Task SaveAsync(string key, Func<byte[]?, byte[]?> current, CancellationToken cancellationToken)
        {
            byte[]? theirs = null;
            for (var attempt = 0; ; attempt++)
            {
                var bytes = current(theirs);
                var known = _seen.TryGetValue(key, out var seen);
                if (bytes is null)
                {
                    await DeleteAsync(key);
                    return;
                }

                var head = new TableEntity(partition, RowOf(key)) { ["Key"] = key, ["Parts"] = 0 };
                string? gen = null;
                if (bytes.Length <= RowBytes)
                {
                    TableRowSegments.Fill(head, bytes);
                }
                else
                {
                    // Parts first, under a generation no key row names yet: invisible until the key row names it.
                    gen = Guid.NewGuid().ToString("N");
                    var parts = new List<TableEntity>();
                    for (var i = 0; i * RowBytes < bytes.Length; i++)
                    {
                        var part = new TableEntity(partition, PartRow(key, gen, i));
                        TableRowSegments.Fill(part, bytes.AsSpan(i * RowBytes, Math.Min(RowBytes, bytes.Length - (i * RowBytes))));
                        parts.Add(part);
                    }

                    foreach (var chunk in parts.Chunk(3))
                    {
                        await Table.SubmitTransactionAsync(chunk.Select(p => new TableTransactionAction(TableTransactionActionType.UpsertReplace, p)), cancellationToken);
                    }

                    head["Parts"] = parts.Count;
                    head["Gen"] = gen;
                }

                try
                {
                    var response = known
                        ? await Table.UpdateEntityAsync(head, seen.ETag, TableUpdateMode.Replace, cancellationToken)
                        : await Table.AddEntityAsync(head, cancellationToken);
                    _seen[key] = (response.Headers.ETag ?? ETag.All, gen);
                    if (known && seen.Gen is { } old)
                    {
                        await storage.DropPartitionAsync(partition, PartRow(key, old, 0)[..^4]);
                    }

                    return;
                }
                catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.Conflict or (int)HttpStatusCode.NotFound
                    && attempt < MaxAttempts)
                {
                    // Another activation wrote (or purged) the row: merge what it stored, then write on its ETag.
                    if (gen is not null)
                    {
                        await storage.DropPartitionAsync(partition, PartRow(key, gen, 0)[..^4]);
                    }

                    var stored = await ReadAsync(key, cancellationToken);
                    if (stored is { } s)
                    {
                        Seen(key, s.Head);
                        theirs = s.Bytes;
                    }
                    else
                    {
                        _seen.Remove(key);
                        theirs = null;
                    }
                }
            }
        }

        public async Task DeleteAsync(string key)
        {
            if (!_seen.Remove(key, out var seen))
            {
                return;
            }

            try
            {
                await Table.DeleteEntityAsync(partition, RowOf(key), seen.ETag);
                if (seen.Gen is { } gen)
                {
                    await storage.DropPartitionAsync(partition, PartRow(key, gen, 0)[..^4]);
                }
            }
            catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
            {
                // Written meanwhile by another activation (it keeps its state), or gone already.
            }
        }

        public Task DropAsync()
        {
            _seen.Clear();
            return storage.DropPartitionAsync(partition);
        }
    }
}
