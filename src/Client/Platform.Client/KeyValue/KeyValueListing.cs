using Platform.Validation;

namespace Platform.KeyValue;

/// <summary>
/// One listing page over a namespace's shards, at a cost in proportion to the page rather than to shards x limit:
/// a k-way merge of small per-shard batches of key names. Each shard is first asked for its even share of the page
/// plus <see cref="Slack"/> keys (<see cref="FirstBatch"/>), all shards at once. The merge then takes the smallest head
/// key of any shard; when a shard's batch is used up while the page still needs keys and the shard may hold more (it
/// answered a full batch), that shard alone is asked again, from its last key, for twice its previous batch (at most
/// what the page still needs), since its next key may come before every other head. So the page is exactly the next
/// <c>limit</c> keys in ordinal order after the continuation key, as a full scan would give, and the continuation
/// token stays the page's last key.
/// </summary>
/// <remarks>
/// Cost of one page of <c>L</c> keys over <c>S</c> shards: key names fetched at most <c>2L + S x FirstBatch</c> (every
/// name fetched is either on the page or left over in the last batch of its shard, and doubling keeps a shard's
/// fetches under twice what it contributed plus its first batch); one call per shard plus, for each shard that runs
/// out, at most log2(L) more, made one after another (a page over evenly spread keys usually needs none or a few);
/// then values of the page's keys only, one call per shard that contributed. Before, every shard was asked for L names.
/// </remarks>
internal static class KeyValueListing
{
    /// <summary>Keys each shard is first asked for beyond its even share of the page.</summary>
    public const int Slack = 2;

    /// <summary>The first batch each shard is asked for: <c>ceil(limit / shards) + Slack</c>, at most <paramref name="limit"/>.</summary>
    public static int FirstBatch(int limit, int shards) => Math.Min(limit, ((limit + shards - 1) / shards) + Slack);

    /// <summary>
    /// Round one merges key names (no values) into the page, cut at <paramref name="limit"/> keys and
    /// <paramref name="maxPageBytes"/> value bytes (at least one key); round two reads the values of just those keys.
    /// A key deleted between the rounds is left out; a listing is not a snapshot.
    /// </summary>
    public static async Task<KeyValuePage> PageAsync(IKeyValueShards shards, int shardCount, string prefix, string? after, int limit, long maxPageBytes, Func<int, ShardRead>? readOf = null)
    {
        readOf ??= static _ => ShardRead.Default;
        var first = FirstBatch(limit, shardCount);
        var batches = await Task.WhenAll(Enumerable.Range(0, shardCount).Select(i => shards.ListKeysAsync(i, prefix, after, first, readOf(i))));
        var cursors = new Cursor[shardCount];
        var heads = new PriorityQueue<int, string>(shardCount, StringComparer.Ordinal);
        for (var i = 0; i < shardCount; i++)
        {
            cursors[i] = new Cursor(batches[i], first);
            if (cursors[i].HasHead)
            {
                heads.Enqueue(i, cursors[i].Head.Key);
            }
        }

        var page = new List<(KeyValueKeyInfo Info, int Shard)>(Math.Min(limit, 256));
        long bytes = 0;
        var cut = false;
        while (page.Count < limit && heads.TryDequeue(out var shard, out _))
        {
            var cursor = cursors[shard];
            var info = cursor.Head;
            if (page.Count > 0 && bytes + info.Size > maxPageBytes)
            {
                cut = true;
                break;
            }

            page.Add((info, shard));
            bytes += info.Size;
            cursor.Advance();
            if (!cursor.HasHead && cursor.MayHaveMore && page.Count < limit)
            {
                var ask = Math.Min(cursor.Asked * 2, limit - page.Count);
                cursor.Refill(await shards.ListKeysAsync(shard, prefix, info.Key, ask, readOf(shard)), ask);
            }

            if (cursor.HasHead)
            {
                heads.Enqueue(shard, cursor.Head.Key);
            }
        }

        var more = cut || heads.Count > 0 || cursors.Any(c => !c.HasHead && c.MayHaveMore);
        var values = await Task.WhenAll(page.GroupBy(p => p.Shard).Select(g => shards.GetManyAsync(g.Key, [.. g.Select(p => p.Info.Key)], readOf(g.Key))));
        var byKey = values.SelectMany(v => v).ToDictionary(e => e.Key, StringComparer.Ordinal);
        var items = page.Select(p => byKey.GetValueOrDefault(p.Info.Key)).OfType<KeyValueEntry>().ToList();
        return new KeyValuePage(items, more && page.Count > 0 ? ContinuationToken.Encode(page[^1].Info.Key) : null);
    }

    /// <summary>One shard's place in the merge: its current batch, the next key in it, and whether the shard may hold more.</summary>
    private sealed class Cursor(IReadOnlyList<KeyValueKeyInfo> batch, int asked)
    {
        private IReadOnlyList<KeyValueKeyInfo> _batch = batch;
        private int _next;

        /// <summary>How many keys the last batch asked for.</summary>
        public int Asked { get; private set; } = asked;

        /// <summary>The last batch was full: the shard may hold keys after it.</summary>
        public bool MayHaveMore { get; private set; } = batch.Count >= asked;

        public bool HasHead => _next < _batch.Count;

        public KeyValueKeyInfo Head => _batch[_next];

        public void Advance() => _next++;

        public void Refill(IReadOnlyList<KeyValueKeyInfo> batch, int asked)
        {
            _batch = batch;
            _next = 0;
            Asked = asked;
            MayHaveMore = batch.Count >= asked;
        }
    }
}
