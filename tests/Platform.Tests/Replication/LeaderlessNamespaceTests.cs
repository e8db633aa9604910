using System.Net;
using Platform.Replication;
using Platform.Replication.Crdt;
using Platform.Replication.Quorum;
using Platform.Sharding;
using Platform.Testing.Http;
using Platform.Testing.Waiting;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Replication;

/// <summary>
/// Quorum and multi-leader namespaces over HTTP on the in-process three-silo cluster: settings and their validation,
/// quorum writes and reads at each level, read repair before a quorum answer, anti-entropy converging a replica that
/// missed a write, CRDT counters and OR-sets, siblings with their causal context, and bad input (400 naming the
/// field, nothing stored changes).
/// </summary>
[Collection(ReplicationClusterCollection.Name)]
public sealed class LeaderlessNamespaceTests(ReplicationClusterFixture fixture)
{
    private PlatformApiClient Api => fixture.Api;

    private static string NewName() => "ll" + Guid.NewGuid().ToString("N")[..10];

    private async Task<string> CreateAsync(object replication, int shards = 1)
    {
        var ns = NewName();
        (await Api.SendJsonAsync(HttpMethod.Put, $"/v1/namespaces/{ns}", new { shards, replication })).Expect(HttpStatusCode.Created);
        return ns;
    }

    /// <summary>A quorum create reports whether its quorums overlap; non-overlapping ones and lww conflicts come with a warning.</summary>
    [Fact]
    public async Task Create_reports_overlapping_quorums_and_warns_otherwise()
    {
        var overlapping = await Api.SendJsonAsync(HttpMethod.Put, $"/v1/namespaces/{NewName()}", new { shards = 1, replication = new { mode = "quorum", replicas = 3, w = 2, r = 2 } });
        Assert.Equal(HttpStatusCode.Created, overlapping.StatusCode);
        var json = overlapping.Json();
        Assert.StartsWith("overlapping quorums", json.GetProperty("replication").GetProperty("quorums").GetString(), StringComparison.Ordinal);
        Assert.False(json.TryGetProperty("warnings", out _));

        var sloppy = await Api.SendJsonAsync(HttpMethod.Put, $"/v1/namespaces/{NewName()}", new { shards = 1, replication = new { mode = "quorum", replicas = 3, w = 1, r = 1 } });
        Assert.Equal(HttpStatusCode.Created, sloppy.StatusCode);
        Assert.StartsWith("non-overlapping", sloppy.Json().GetProperty("replication").GetProperty("quorums").GetString(), StringComparison.Ordinal);
        Assert.Contains("may miss acknowledged writes", sloppy.Json().GetProperty("warnings")[0].GetString(), StringComparison.Ordinal);

        var lww = await Api.SendJsonAsync(HttpMethod.Put, $"/v1/namespaces/{NewName()}", new { shards = 1, replication = new { mode = "multi-leader", replicas = 3, conflicts = "lww" } });
        Assert.Equal(HttpStatusCode.Created, lww.StatusCode);
        Assert.Equal("multi-leader", lww.Json().GetProperty("replication").GetProperty("mode").GetString());
        Assert.Contains("discarded", lww.Json().GetProperty("warnings")[0].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"shards":1,"replication":{"mode":"quorum","replicas":3,"w":4,"r":1}}""", "replication.w")]
    [InlineData("""{"shards":1,"replication":{"mode":"quorum","replicas":3,"w":0,"r":1}}""", "replication.w")]
    [InlineData("""{"shards":1,"replication":{"mode":"quorum","replicas":3,"w":2,"r":5}}""", "replication.r")]
    [InlineData("""{"shards":1,"replication":{"mode":"quorum","replicas":3,"w":"two","r":2}}""", "replication.w")]
    [InlineData("""{"shards":1,"replication":{"mode":"leader","replicas":3,"w":2}}""", "replication.w")]
    [InlineData("""{"shards":1,"replication":{"mode":"quorum","replicas":3,"conflicts":"lww"}}""", "replication.conflicts")]
    [InlineData("""{"shards":1,"replication":{"mode":"multi-leader","replicas":3,"conflicts":"vibes"}}""", "replication.conflicts")]
    [InlineData("""{"shards":1,"replication":{"mode":"multi-leader","replicas":3,"r":1}}""", "replication.r")]
    [InlineData("""{"shards":1,"replication":{"mode":"quorum","replicas":3,"ack":"all"}}""", "replication.ack")]
    public async Task Bad_leaderless_settings_are_400_naming_the_field(string body, string field)
    {
        var ns = NewName();
        var answer = await Api.SendJsonAsync(HttpMethod.Put, $"/v1/namespaces/{ns}", body);
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal(field, answer.Problem?.Field);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetNamespaceAsync(ns)).StatusCode);
    }

    /// <summary>Writes, reads at one, quorum and all, deletes and listings; every answer names a peer replica; conditions are a 400 and change nothing.</summary>
    [Fact]
    public async Task Quorum_writes_read_back_at_every_level_and_conditions_are_refused()
    {
        var ns = await CreateAsync(new { mode = "quorum", replicas = 3, w = 2, r = 2 }, shards: 2);
        var put = await Api.PutKeyAsync(ns, "k", "v1");
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Api.PutKeyAsync(ns, "k", "v2")).StatusCode);
        foreach (var level in new[] { "one", "quorum", "all", null })
        {
            var read = await Api.GetKeyAsync(ns, "k", new KeyValueConditions { Consistency = level });
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Equal("peer", read.Header("Platform-Replica-Role"));
            if (level != "one")
            {
                Assert.Equal("v2", read.Text);
            }
        }

        var conditional = await Api.PutKeyAsync(ns, "k", "v3", KeyValueConditions.Version(put.Value!.Version));
        Assert.Equal(HttpStatusCode.BadRequest, conditional.StatusCode);
        Assert.Equal("If-Match", conditional.Problem?.Field);
        Assert.Equal("v2", (await Api.GetKeyAsync(ns, "k", new KeyValueConditions { Consistency = "all" })).Text);

        Assert.Equal(HttpStatusCode.Created, (await Api.PutKeyAsync(ns, "other", "x")).StatusCode);
        var listed = await Api.ListKeysAsync(ns, limit: 10);
        Assert.Equal(2, listed.Ok().Items.Count);

        Assert.Equal(HttpStatusCode.NoContent, (await Api.DeleteKeyAsync(ns, "k")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetKeyAsync(ns, "k", new KeyValueConditions { Consistency = "all" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.DeleteKeyAsync(ns, "k")).StatusCode);
        Assert.Single((await Api.ListKeysAsync(ns, limit: 10)).Ok().Items);

        var leader = await Api.GetKeyAsync("default", "k", new KeyValueConditions { Consistency = "quorum" });
        Assert.NotEqual(HttpStatusCode.InternalServerError, leader.StatusCode);
    }

    /// <summary>
    /// A newer state that reached one replica only (a write whose other sends were lost): a read at all returns it
    /// and, before answering, has written it to the two stale replicas (blocking read repair).
    /// </summary>
    [Fact]
    public async Task A_read_at_all_repairs_stale_replicas_before_it_answers()
    {
        var ns = await CreateAsync(new { mode = "quorum", replicas = 3, w = 3, r = 2 });
        Assert.Equal(HttpStatusCode.Created, (await Api.PutKeyAsync(ns, "k", "old")).StatusCode);
        var settings = (await fixture.Service<INamespaceAdmin>().GetAsync(ns));
        var group = VersionedGroup.From(settings.Replication!);
        var shard = settings.Shard(0);
        var replicas = Enumerable.Range(0, 3).Select(r => fixture.Service<IGrainFactory>().GetGrain<IVersionedReplicaGrain>(new ReplicaId(shard, r).ToGrainKey())).ToArray();
        var newer = KeyState.Of(new VersionedValue(new HlcTimestamp(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 60_000, 0, 99), "new"u8.ToArray(), "text/plain"));
        await replicas[0].Apply(group, new VersionedBatch { Entries = [new VersionedEntry("k", KeyStateCodec.Encode(newer))] });

        var read = await Api.GetKeyAsync(ns, "k", new KeyValueConditions { Consistency = "all" });
        Assert.Equal("new", read.Text);
        foreach (var replica in replicas)
        {
            var held = await replica.Get(group, ["k"]);
            Assert.Equal(newer, KeyStateCodec.Decode(held.Entries.Single().State));
        }

        var statuses = await Task.WhenAll(replicas.Select(r => r.Status(group)));
        Assert.Equal(2, statuses.Sum(s => s.RepairedByReadRepair));
    }

    /// <summary>Keys only one replica holds reach the others by anti-entropy alone (no read touches them): the Merkle roots end equal and the shard map says what was repaired.</summary>
    [Fact]
    public async Task Anti_entropy_converges_replicas_that_missed_writes_by_merkle_root()
    {
        var ns = await CreateAsync(new { mode = "quorum", replicas = 3, w = 2, r = 2 });
        var settings = (await fixture.Service<INamespaceAdmin>().GetAsync(ns));
        var group = VersionedGroup.From(settings.Replication!);
        var replicas = Enumerable.Range(0, 3).Select(r => fixture.Service<IGrainFactory>().GetGrain<IVersionedReplicaGrain>(new ReplicaId(settings.Shard(0), r).ToGrainKey())).ToArray();
        var entries = Enumerable.Range(0, 50).Select(i => new VersionedEntry($"missed-{i}",
            KeyStateCodec.Encode(KeyState.Of(new VersionedValue(new HlcTimestamp(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), i, 99), [(byte)i], null))))).ToList();
        await replicas[1].Apply(group, new VersionedBatch { Entries = entries });

        await Eventually.Until(async _ =>
        {
            var statuses = await Task.WhenAll(replicas.Select(r => r.Status(group)));
            return statuses.All(s => s.Keys == 50) && statuses.Select(s => s.MerkleRoot).Distinct().Count() == 1;
        }, "every replica holds the 50 keys with one Merkle root");
        var all = await Task.WhenAll(replicas.Select(r => r.Status(group)));
        Assert.Equal(100, all.Sum(s => s.RepairedByAntiEntropy));
        Assert.True(all.Sum(s => s.DivergentRanges) > 0);

        var map = await Api.GetAsync($"/v1/namespaces/{ns}/shards");
        var replica = map.Json().GetProperty("items")[0].GetProperty("replicas")[0];
        Assert.True(replica.TryGetProperty("merkleRoot", out _));
        Assert.True(replica.TryGetProperty("hintsHeld", out _));
        Assert.True(replica.TryGetProperty("lastAntiEntropy", out _));
        Assert.True(replica.GetProperty("repairs").TryGetProperty("antiEntropy", out _));
    }

    /// <summary>A PN-counter sums increments made through every replica; an OR-set keeps a concurrent add over a remove; CRDT routes elsewhere are a 400 and change nothing.</summary>
    [Fact]
    public async Task Crdt_counter_and_set_merge_across_replicas_and_refuse_other_namespaces()
    {
        var ns = await CreateAsync(new { mode = "multi-leader", replicas = 3, conflicts = "crdt" });
        for (var i = 0; i < 10; i++)
        {
            (await Api.SendJsonAsync(HttpMethod.Post, $"/v1/kv/{ns}/hits/counter", new { delta = 2 })).ExpectSuccess();
        }

        (await Api.SendJsonAsync(HttpMethod.Post, $"/v1/kv/{ns}/hits/counter", new { delta = -5 })).ExpectSuccess();

        // Increments accepted directly by each replica (as coordinators with other home replicas would send them).
        var data = fixture.Service<IReplicatedData>();
        var settings = await fixture.Service<INamespaceAdmin>().GetAsync(ns);
        var group = VersionedGroup.From(settings.Replication!);
        for (var r = 0; r < 3; r++)
        {
            var replica = fixture.Service<IGrainFactory>().GetGrain<IVersionedReplicaGrain>(new ReplicaId(settings.Shard(0), r).ToGrainKey());
            await replica.Accept(group, new VersionedLocalWrite { Key = "hits", Operation = VersionedOperation.CounterAdd, Delta = 100 });
        }

        await Eventually.Until(async ct => await data.GetCounterAsync(ns, "hits", ReadConsistency.All, ct) == 315, "the counter sums every replica's increments");
        Assert.Equal("315", (await Api.GetAsync($"/v1/kv/{ns}/hits/counter")).Json().GetProperty("value").GetString());

        (await Api.SendJsonAsync(HttpMethod.Post, $"/v1/kv/{ns}/tags/set", new { add = "x" })).ExpectSuccess();
        (await Api.SendJsonAsync(HttpMethod.Post, $"/v1/kv/{ns}/tags/set", new { remove = "x" })).ExpectSuccess();
        Assert.Empty(await data.GetSetAsync(ns, "tags", ReadConsistency.All));

        foreach (var (path, body, field) in new (string, string, string)[]
        {
            ($"/v1/kv/{ns}/hits/counter", """{"delta":"abc"}""", "delta"),
            ($"/v1/kv/{ns}/hits/counter", """{"delta":1.5}""", "delta"),
            ($"/v1/kv/{ns}/hits/counter", """{}""", "delta"),
            ($"/v1/kv/{ns}/hits/counter", """{"delta":99999999999999999999}""", "delta"),
            ($"/v1/kv/{ns}/tags/set", """{"add":"a","remove":"b"}""", "add"),
            ($"/v1/kv/{ns}/tags/set", """{"add":""}""", "element"),
            ($"/v1/kv/default/hits/counter", """{"delta":1}""", "namespace"),
        })
        {
            var bad = await Api.SendJsonAsync(HttpMethod.Post, path, body);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal(field, bad.Problem?.Field);
        }

        var quorum = await CreateAsync(new { mode = "quorum", replicas = 3, w = 2, r = 2 });
        var refused = await Api.SendJsonAsync(HttpMethod.Post, $"/v1/kv/{quorum}/hits/counter", new { delta = 1 });
        Assert.Equal("namespace", refused.Problem?.Field);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetKeyAsync(quorum, "hits", new KeyValueConditions { Consistency = "all" })).StatusCode);
        Assert.Equal(315, await data.GetCounterAsync(ns, "hits", ReadConsistency.All));
    }

    /// <summary>Writes without a context become siblings; a write with the context a siblings read handed out replaces them; a malformed context is a 400 and changes nothing.</summary>
    [Fact]
    public async Task Siblings_are_kept_until_a_write_with_their_context_replaces_them()
    {
        var ns = await CreateAsync(new { mode = "multi-leader", replicas = 3, conflicts = "siblings" });
        Assert.Equal(HttpStatusCode.Created, (await Api.PutKeyAsync(ns, "doc", "a")).StatusCode);
        (await Api.PutKeyAsync(ns, "doc", "b")).ExpectSuccess();
        var siblings = await Api.GetAsync($"/v1/kv/{ns}/doc/siblings");
        Assert.Equal(2, siblings.Json().GetProperty("siblings").GetArrayLength());
        var context = siblings.Json().GetProperty("context").GetString()!;

        var malformed = await Api.SendAsync(HttpMethod.Put, $"/v1/kv/{ns}/doc", () => new StringContent("c"), r => r.Headers.Add("Platform-Context", "not-a-context!"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("Platform-Context", malformed.Problem?.Field);
        Assert.Equal(2, (await Api.GetAsync($"/v1/kv/{ns}/doc/siblings")).Json().GetProperty("siblings").GetArrayLength());

        (await Api.SendAsync(HttpMethod.Put, $"/v1/kv/{ns}/doc", () => new StringContent("merged"), r => r.Headers.Add("Platform-Context", context))).ExpectSuccess();
        var after = (await Api.GetAsync($"/v1/kv/{ns}/doc/siblings")).Json().GetProperty("siblings");
        Assert.Equal(1, after.GetArrayLength());
        Assert.Equal("merged", after[0].GetProperty("value").GetString());
    }
}
