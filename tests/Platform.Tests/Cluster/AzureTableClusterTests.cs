using Platform.KeyValue;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Cluster;

/// <summary>A two-silo cluster on AzureTable storage keeps key-value data in Azurite, not in any silo.</summary>
[Collection(RealServersCollection.Name)]
public sealed class AzureTableClusterTests(RealServersFixture fixture)
{
    /// <summary>Keys written through one cluster read back, byte for byte and with their versions, after every silo was replaced.</summary>
    [Fact]
    public async Task KeyValueWrites_SurviveRestartingEverySilo()
    {
        var serviceId = fixture.RunId + "-restart";
        var written = new Dictionary<string, (byte[] Value, long Version)>();
        await using (var first = await fixture.StartAzureTableClusterAsync(serviceId))
        {
            for (var i = 0; i < 40; i++)
            {
                var value = BitConverter.GetBytes(i).Concat(new byte[i * 3000]).ToArray();
                var key = $"key-{i}";
                var store = first.Service<IKeyValueStore>();
                await store.PutAsync("default", key, [0]);
                var version = await store.PutAsync("default", key, value);
                written[key] = (value, version);
            }
        }

        await using var second = await fixture.StartAzureTableClusterAsync(serviceId);
        foreach (var (key, (value, version)) in written)
        {
            var entry = await second.Service<IKeyValueStore>().GetAsync("default", key);
            Assert.NotNull(entry);
            Assert.Equal(value, entry.Value);
            Assert.Equal(version, entry.Version);
            Assert.Equal(2, entry.Version);
        }
    }
}
