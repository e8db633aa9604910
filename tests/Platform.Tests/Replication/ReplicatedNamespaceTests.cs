using System.Text;
using Platform.KeyValue;
using Platform.Replication;
using Platform.Sharding;
using Platform.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Platform.Tests.Replication;

/// <summary>Replicated namespaces on an in-process three-silo cluster: create, write, read at each consistency, the shard map.</summary>
[Collection(ReplicationClusterCollection.Name)]
public sealed class ReplicatedNamespaceTests(ReplicationClusterFixture fixture, ITestOutputHelper output)
{
    private IKeyValueStore Store => fixture.Service<IKeyValueStore>();

    private INamespaceAdmin Admin => fixture.Service<INamespaceAdmin>();

    /// <summary>A replicated namespace takes writes and answers them at every consistency, naming the replica that served.</summary>
    [Fact]
    public async Task Writes_and_reads_at_each_consistency()
    {
        var ns = "rep" + Guid.NewGuid().ToString("N")[..8];
        await Admin.CreateAsync(ns, new NamespaceSpec { Shards = 4, Replication = new ReplicationSettings { Replicas = 3 } });
        var put = await Store.PutWithResultAsync(ns, "k1", "v1"u8.ToArray());
        Assert.Equal(1, put.Version);
        Assert.NotNull(put.Session);
        output.WriteLine($"put: session {put.Session}, served {put.Served}");
        foreach (var consistency in new[] { ReadConsistency.Strong, ReadConsistency.Session, ReadConsistency.Eventual })
        {
            var read = await Store.ReadAsync(ns, "k1", new KeyValueReadOptions { Consistency = consistency, Session = put.Session });
            output.WriteLine($"{consistency}: {read.Served}");
            if (consistency != ReadConsistency.Eventual)
            {
                Assert.Equal("v1", Encoding.UTF8.GetString(read.Entry!.Value));
            }

            Assert.NotNull(read.Served);
        }

        var map = await Admin.GetShardMapAsync(ns);
        foreach (var shard in map)
        {
            output.WriteLine($"shard {shard.Shard}: leader {shard.Leader} term {shard.Term} degraded {shard.Degraded}; {string.Join(" | ", shard.Replicas!.Select(r => $"{r.Replica} {r.Role} {r.Silo} t{r.Term} c{r.CommitIndex} a{r.AppliedIndex}"))}");
        }

        Assert.All(map, s => Assert.Equal(3, s.Replicas!.Count));
    }
}
