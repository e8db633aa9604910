using Azure.Data.Tables;
using Platform.KeyValue;
using Platform.KeyValue.Storage;
using Platform.Sharding;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Locks;

/// <summary>The per-key fence record (KeyValueEntry.Fences) survives Azure Table shard storage, so a stale token stays refused after a shard re-activates.</summary>
[Collection(RealServersCollection.Name)]
public sealed class AzureTableFenceRecordTests(RealServersFixture fixture)
{
    private readonly AzureTableShardStorage _storage = new(new TableServiceClient(fixture.AzureTables), fixture.RunId + "Fences");

    /// <summary>A fenced entry reads back (one key and a whole shard) with its fence record; an unfenced one has none.</summary>
    [Fact]
    public async Task Write_WithFenceRecord_ReadAndLoadReturnIt()
    {
        var shard = new ShardId("fence-" + Guid.NewGuid().ToString("N")[..8], 1, 0);
        var fenced = new KeyValueEntry
        {
            Key = "account",
            Value = [1, 2, 3],
            Version = 1,
            Fences = new Dictionary<string, long>(StringComparer.Ordinal) { ["orders.42"] = 7, ["billing"] = 3 },
        };
        await _storage.WriteAsync(shard, fenced, null);
        await _storage.WriteAsync(shard, new KeyValueEntry { Key = "plain", Value = [4], Version = 1 }, null);

        var read = await _storage.ReadAsync(shard, "account");
        Assert.Equal(fenced.Fences, read!.Entry.Fences);
        var loaded = (await _storage.LoadAsync(shard)).ToDictionary(e => e.Entry.Key);
        Assert.Equal(fenced.Fences, loaded["account"].Entry.Fences);
        Assert.Null(loaded["plain"].Entry.Fences);
    }
}
