using System.Text;
using Platform.KeyValue;
using Platform.Replication;
using Platform.Sharding;
using Platform.Testing.Cluster;
using Platform.Testing.Waiting;
using Xunit.Abstractions;

namespace Platform.Tests.Replication;

/// <summary>
/// Replica groups across silo changes on in-process clusters of their own: a silo stopped under writes (memory
/// storage: its replicas come back elsewhere as new incarnations, are caught up and promoted), a silo joining (the
/// group spreads out again), and a whole cluster restarted on Azure Table storage (replicas reload their term, vote
/// and log, keeping their incarnations; quorum and multi-leader replicas reload their keys and Merkle trees).
/// </summary>
public sealed class ReplicaGroupLifecycleTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string?> FastRaft = new()
    {
        ["Platform:Replication:TickInterval"] = "00:00:00.020",
        ["Platform:Replication:RebalanceInterval"] = "00:00:01",
    };

    /// <summary>
    /// A silo stops while writes go on: every acknowledged write reads back, each group elects a leader among the
    /// survivors, and the lost replicas rejoin on the remaining silos as voters of a new incarnation.
    /// </summary>
    [Fact]
    public async Task A_stopped_silo_loses_no_acknowledged_write_and_the_groups_heal()
    {
        await using var cluster = await PlatformTestCluster.StartAsync(new PlatformTestClusterOptions { Silos = 3, Settings = FastRaft, HttpHost = false });
        var kv = cluster.Service<IKeyValueStore>();
        var admin = cluster.Service<INamespaceAdmin>();
        const string ns = "failover";
        await admin.CreateAsync(ns, new NamespaceSpec { Shards = 3, Replication = new ReplicationSettings { Replicas = 3 } });

        var acked = new Dictionary<string, string>();
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var key = $"k{i % 50}";
                var value = $"v{i}";
                try
                {
                    await kv.PutAsync(ns, key, Encoding.UTF8.GetBytes(value));
                    lock (acked)
                    {
                        acked[key] = value;
                    }
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // Not acknowledged: may or may not have applied; a later write of the key decides what reads back.
                    lock (acked)
                    {
                        acked.Remove(key);
                    }
                }
            }
        });

        await Task.Delay(1000);
        await cluster.KillSiloAsync(2);
        await Task.Delay(3000);
        await stop.CancelAsync();
        await writer;

        foreach (var (key, value) in acked)
        {
            var read = await kv.ReadAsync(ns, key, new KeyValueReadOptions { Consistency = ReadConsistency.Strong });
            Assert.Equal(value, Encoding.UTF8.GetString(read.Entry!.Value));
        }

        output.WriteLine($"{acked.Count} keys acknowledged and read back");
        var healed = await Eventually.Until(
            async ct => await admin.GetShardMapAsync(ns, cancellationToken: ct),
            map => map.All(s => s.Leader is not null && s.Replicas!.All(r => r.Voter && r.Role is "leader" or "follower")),
            "every group has a leader and three voters again",
            new EventuallyOptions { Timeout = TimeSpan.FromSeconds(60) });
        foreach (var shard in healed)
        {
            output.WriteLine($"shard {shard.Shard}: {string.Join(" | ", shard.Replicas!.Select(r => $"{r.Replica}.{r.Incarnation} {r.Role} {r.Silo}"))}; {shard.Degraded}");
        }

        Assert.Contains(healed, s => s.Replicas!.Any(r => r.Incarnation > 1));
    }

    /// <summary>A group squeezed onto two silos spreads out again when a third joins: its leader asks one of the doubled-up replicas to move.</summary>
    [Fact]
    public async Task A_group_spreads_out_when_a_silo_joins()
    {
        await using var cluster = await PlatformTestCluster.StartAsync(new PlatformTestClusterOptions { Silos = 3, Settings = FastRaft, HttpHost = false });
        await cluster.StopSiloAsync(2);
        var admin = cluster.Service<INamespaceAdmin>();
        const string ns = "spread";
        await admin.CreateAsync(ns, new NamespaceSpec { Shards = 2, Replication = new ReplicationSettings { Replicas = 3 } });
        await cluster.Service<IKeyValueStore>().PutAsync(ns, "a", "1"u8.ToArray());
        var degraded = await admin.GetShardMapAsync(ns);
        Assert.All(degraded, s => Assert.Equal(2, s.Replicas!.Select(r => r.Silo).Distinct().Count()));
        Assert.All(degraded, s => Assert.Contains("share silo", s.Degraded, StringComparison.Ordinal));

        await cluster.StartSiloAsync(2);
        var spread = await Eventually.Until(
            async ct => await admin.GetShardMapAsync(ns, cancellationToken: ct),
            map => map.All(s => s.Degraded is null && s.Replicas!.Select(r => r.Silo).Distinct().Count() == 3),
            "every group on three distinct silos, healthy",
            new EventuallyOptions { Timeout = TimeSpan.FromSeconds(90) });
        Assert.Equal("1", Encoding.UTF8.GetString((await cluster.Service<IKeyValueStore>().GetAsync(ns, "a"))!.Value));
        Assert.All(spread, s => Assert.Null(s.Degraded));
    }

    /// <summary>
    /// On Azure Table storage a replica's Raft state outlives its activation: a cluster stopped and started again
    /// (same service id and tables) serves every key, and its replicas are the same incarnations as before.
    /// </summary>
    [Fact]
    public async Task On_azure_table_storage_a_restarted_cluster_keeps_keys_and_incarnations()
    {
        var options = new PlatformTestClusterOptions { Silos = 3, Storage = StorageMode.AzureTable, Settings = FastRaft, HttpHost = false };
        const string ns = "durable";
        IReadOnlyList<ShardInfo> before;
        await using (var first = await PlatformTestCluster.StartAsync(options))
        {
            await first.Service<INamespaceAdmin>().CreateAsync(ns, new NamespaceSpec { Shards = 2, Replication = new ReplicationSettings { Replicas = 3 } });
            for (var i = 0; i < 30; i++)
            {
                await first.Service<IKeyValueStore>().PutAsync(ns, $"k{i}", Encoding.UTF8.GetBytes($"v{i}"));
            }

            before = await first.Service<INamespaceAdmin>().GetShardMapAsync(ns);
        }

        await using var second = await PlatformTestCluster.StartAsync(new PlatformTestClusterOptions
        {
            Silos = 3,
            Storage = StorageMode.AzureTable,
            Settings = FastRaft,
            HttpHost = false,
            ServiceId = options.ServiceId,
            TablePrefix = options.TablePrefix,
        });
        var kv = second.Service<IKeyValueStore>();
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal($"v{i}", Encoding.UTF8.GetString((await kv.ReadAsync(ns, $"k{i}", new KeyValueReadOptions { Consistency = ReadConsistency.Strong })).Entry!.Value));
        }

        var after = await second.Service<INamespaceAdmin>().GetShardMapAsync(ns);
        Assert.Equal(before.SelectMany(s => s.Replicas!.Select(r => r.Incarnation)), after.SelectMany(s => s.Replicas!.Select(r => r.Incarnation)));
        Assert.All(after.SelectMany(s => s.Replicas!), r => Assert.Equal(1, r.Incarnation));
        // Terms are persisted, so no replica restarts below the term its group had reached (the group's own Term is
        // null while an election runs, so compare what the replicas hold).
        Assert.All(after.Zip(before), p => Assert.True(p.First.Replicas!.Max(r => r.Term) >= p.Second.Term, $"shard {p.First.Shard}: replicas at terms {string.Join(",", p.First.Replicas!.Select(r => r.Term))} after the restart, {p.Second.Term} before"));
    }

    /// <summary>
    /// On Azure Table storage quorum and multi-leader replicas keep their keys: a cluster stopped and started again
    /// answers every key from each single replica (read at <c>one</c> after the restart, repeatedly, so each replica
    /// is asked), the counter keeps its sum, every replica loaded its keys from its store, and each replica's Merkle
    /// root is the one it had before: the tree was rebuilt from the stored states, not refilled by anti-entropy.
    /// </summary>
    [Fact]
    public async Task On_azure_table_storage_restarted_quorum_and_multi_leader_replicas_reload_their_keys_and_merkle_roots()
    {
        var options = new PlatformTestClusterOptions { Silos = 3, Storage = StorageMode.AzureTable, HttpHost = false };
        const string quorum = "durable-q";
        const string crdt = "durable-c";
        IReadOnlyList<ShardInfo> before;
        await using (var first = await PlatformTestCluster.StartAsync(options))
        {
            var admin = first.Service<INamespaceAdmin>();
            await admin.CreateAsync(quorum, new NamespaceSpec { Shards = 2, Replication = new ReplicationSettings { Mode = ReplicationMode.Quorum, Replicas = 3, W = 3, R = 1, Consistency = ReadConsistency.One } });
            await admin.CreateAsync(crdt, new NamespaceSpec { Shards = 1, Replication = new ReplicationSettings { Mode = ReplicationMode.MultiLeader, Replicas = 3, Conflicts = ConflictMode.Crdt, Consistency = ReadConsistency.All } });
            var kv = first.Service<IKeyValueStore>();
            for (var i = 0; i < 30; i++)
            {
                await kv.PutAsync(quorum, $"k{i}", Encoding.UTF8.GetBytes($"v{i}"));
            }

            await kv.DeleteAsync(quorum, "k0");
            var data = first.Service<IReplicatedData>();
            for (var i = 1; i <= 10; i++)
            {
                await data.AddToCounterAsync(crdt, "hits", i);
            }

            // Multi-leader copies travel asynchronously: wait until every replica holds the same counter.
            before = [.. await admin.GetShardMapAsync(quorum), .. await Eventually.Until(
                ct => admin.GetShardMapAsync(crdt, cancellationToken: ct),
                m => m[0].Degraded is null && m[0].Replicas!.All(r => r.Keys == 1),
                "every replica of the counter namespace holds the same state",
                new EventuallyOptions { Timeout = TimeSpan.FromSeconds(30) })];
            Assert.All(before, s => Assert.Null(s.Degraded));
        }

        await using var second = await PlatformTestCluster.StartAsync(new PlatformTestClusterOptions
        {
            Silos = 3,
            Storage = StorageMode.AzureTable,
            HttpHost = false,
            ServiceId = options.ServiceId,
            TablePrefix = options.TablePrefix,
        });
        var again = second.Service<IKeyValueStore>();
        for (var round = 0; round < 3; round++)
        {
            for (var i = 1; i < 30; i++)
            {
                var read = await again.ReadAsync(quorum, $"k{i}", new KeyValueReadOptions { Consistency = ReadConsistency.One });
                Assert.Equal($"v{i}", Encoding.UTF8.GetString(read.Entry!.Value));
            }

            Assert.Null((await again.ReadAsync(quorum, "k0", new KeyValueReadOptions { Consistency = ReadConsistency.One })).Entry);
        }

        Assert.Equal(55, await second.Service<IReplicatedData>().GetCounterAsync(crdt, "hits", ReadConsistency.One));
        var admin2 = second.Service<INamespaceAdmin>();
        IReadOnlyList<ShardInfo> after = [.. await admin2.GetShardMapAsync(quorum), .. await admin2.GetShardMapAsync(crdt)];
        var roots = before.SelectMany(s => s.Replicas!.Select(r => r.MerkleRoot));
        Assert.Equal(roots, after.SelectMany(s => s.Replicas!.Select(r => r.MerkleRoot)));
        Assert.All(after.SelectMany(s => s.Replicas!), r => Assert.True(r.Repairs!["loadedFromStorage"] > 0, $"{r.Grain} loaded nothing from its store"));
        Assert.Equal(3 * 30, after.Take(2).Sum(s => s.Replicas!.Sum(r => r.Repairs!["loadedFromStorage"])));
        output.WriteLine($"Merkle roots after the restart: {string.Join(", ", after.SelectMany(s => s.Replicas!.Select(r => r.MerkleRoot)))}");
    }
}
