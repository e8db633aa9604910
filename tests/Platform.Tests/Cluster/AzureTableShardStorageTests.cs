using System.Text;
using Azure.Data.Tables;
using Platform.KeyValue;
using Platform.KeyValue.Storage;
using Platform.Sharding;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Cluster;

/// <summary>AzureTableShardStorage against Azurite: the IShardStorage contract, large values, long keys, order.</summary>
[Collection(RealServersCollection.Name)]
public sealed class AzureTableShardStorageTests(RealServersFixture fixture)
{
    private readonly AzureTableShardStorage _storage = new(new TableServiceClient(fixture.AzureTables), fixture.RunId + "Conformance");

    private static ShardId NewShard() => new("conf-" + Guid.NewGuid().ToString("N")[..8], 1, 3);

    private static KeyValueEntry Entry(string key, byte[] value, long version = 1, string? contentType = "application/octet-stream") => new()
    {
        Key = key,
        Value = value,
        ContentType = contentType,
        Version = version,
        ModifiedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
    };

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A created key reads back with its value, content type, version and time, and the ETag the write returned.</summary>
    [Fact]
    public async Task Write_ThenRead_ReturnsEntryAndETag()
    {
        var shard = NewShard();
        var etag = await _storage.WriteAsync(shard, Entry("a", "hello"u8.ToArray(), contentType: "text/plain"), null);

        var stored = await _storage.ReadAsync(shard, "a");

        Assert.NotNull(stored);
        Assert.Equal(etag, stored.ETag);
        Assert.Equal("hello"u8.ToArray(), stored.Entry.Value);
        Assert.Equal("text/plain", stored.Entry.ContentType);
        Assert.Equal(1, stored.Entry.Version);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), stored.Entry.ModifiedAt);
        Assert.Null(await _storage.ReadAsync(shard, "missing"));
    }

    /// <summary>Of two writers holding the same ETag only the first wins; creating an existing key conflicts too.</summary>
    [Fact]
    public async Task Write_WithStaleETagOrCreatingExistingKey_ThrowsConflict()
    {
        var shard = NewShard();
        var first = await _storage.WriteAsync(shard, Entry("k", [1]), null);
        var second = await _storage.WriteAsync(shard, Entry("k", [2], 2), first);

        await Assert.ThrowsAsync<ShardStorageConflictException>(() => _storage.WriteAsync(shard, Entry("k", [3], 3), first));
        await Assert.ThrowsAsync<ShardStorageConflictException>(() => _storage.WriteAsync(shard, Entry("k", [4], 3), null));
        await Assert.ThrowsAsync<ShardStorageConflictException>(() => _storage.DeleteAsync(shard, "k", first));
        await Assert.ThrowsAsync<ShardStorageConflictException>(() => _storage.WriteAsync(shard, Entry("absent", [5], 2), second));

        var stored = await _storage.ReadAsync(shard, "k");
        Assert.Equal([2], stored!.Entry.Value);
        Assert.Equal(second, stored.ETag);
    }

    /// <summary>Delete with the current ETag removes the key (chunk rows too), and the key can be created again.</summary>
    [Fact]
    public async Task Delete_WithCurrentETag_RemovesKeyAndItsChunks()
    {
        var shard = NewShard();
        var big = Bytes(1_000_000, 1);
        var etag = await _storage.WriteAsync(shard, Entry("big", big), null);

        await _storage.DeleteAsync(shard, "big", etag);

        Assert.Null(await _storage.ReadAsync(shard, "big"));
        Assert.Empty(await _storage.LoadAsync(shard));
        await _storage.WriteAsync(shard, Entry("big", [7]), null);
        Assert.Equal([7], (await _storage.ReadAsync(shard, "big"))!.Entry.Value);
    }

    /// <summary>Values over one 64 KiB property, and a full 1 MiB value spread over a chunk row, round-trip byte for byte; shrinking drops the chunks.</summary>
    [Fact]
    public async Task Write_LargeValues_RoundTripAndShrink()
    {
        var shard = NewShard();
        var medium = Bytes(64 * 1024 + 1, 2);
        var full = Bytes(1024 * 1024, 3);
        await _storage.WriteAsync(shard, Entry("medium", medium), null);
        var etag = await _storage.WriteAsync(shard, Entry("full", full), null);

        Assert.Equal(medium, (await _storage.ReadAsync(shard, "medium"))!.Entry.Value);
        Assert.Equal(full, (await _storage.ReadAsync(shard, "full"))!.Entry.Value);

        var small = await _storage.WriteAsync(shard, Entry("full", [9], 2), etag);
        var loaded = await _storage.LoadAsync(shard);
        Assert.Equal(2, loaded.Count);
        Assert.Equal([9], loaded.Single(e => e.Entry.Key == "full").Entry.Value);
        Assert.Equal(small, loaded.Single(e => e.Entry.Key == "full").ETag);
        Assert.Equal(medium, loaded.Single(e => e.Entry.Key == "medium").Entry.Value);
    }

    /// <summary>A 512-byte key (512 row-key characters, Azure's limit) stores a large value; row keys keep ordinal byte order.</summary>
    [Fact]
    public async Task Write_MaxLengthKeysAndMixedKeys_LoadInOrdinalOrder()
    {
        var shard = NewShard();
        var longKey = new string('z', 510) + "é"; // 512 UTF-8 bytes
        Assert.Equal(512, Encoding.UTF8.GetByteCount(longKey));
        var value = Bytes(1024 * 1024, 4);
        await _storage.WriteAsync(shard, Entry(longKey, value), null);
        string[] keys = ["b", "a", "ab", "A", "a b", "é", "~", "0"];
        foreach (var key in keys)
        {
            await _storage.WriteAsync(shard, Entry(key, Encoding.UTF8.GetBytes(key)), null);
        }

        Assert.Equal(value, (await _storage.ReadAsync(shard, longKey))!.Entry.Value);
        var expected = keys.Append(longKey).OrderBy(k => Encoding.UTF8.GetBytes(k), ByteOrder.Instance).ToList();
        var rowOrder = keys.Append(longKey).OrderBy(AzureTableShardStorage.RowKey, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, rowOrder);
        var loaded = (await _storage.LoadAsync(shard)).Select(e => e.Entry.Key).ToList();
        Assert.Equal(expected, loaded);
    }

    /// <summary>Drop removes every row of the shard (over one 100-row batch) and leaves other shards alone.</summary>
    [Fact]
    public async Task Drop_RemovesWholeShardOnly()
    {
        var shard = NewShard();
        var other = shard with { Index = 4 };
        await Task.WhenAll(Enumerable.Range(0, 150).Select(i => _storage.WriteAsync(shard, Entry($"k{i:D3}", [1]), null)));
        await _storage.WriteAsync(shard, Entry("chunky", Bytes(1_000_000, 5)), null);
        await _storage.WriteAsync(other, Entry("keep", [1]), null);

        await _storage.DropAsync(shard);

        Assert.Empty(await _storage.LoadAsync(shard));
        Assert.Single(await _storage.LoadAsync(other));
    }

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
