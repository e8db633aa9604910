using System.Net;
using Platform.Testing.Http;
using Platform.Testing.Waiting;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Replication;

/// <summary>
/// Replicated namespaces over HTTP on an in-process three-silo cluster: the <c>replication</c> settings and their
/// validation, the replica headers on every answer, session tokens, the shard map of replica groups, and the
/// key-value routes (conditions, deletes, listings) on a replicated namespace.
/// </summary>
[Collection(ReplicationClusterCollection.Name)]
public sealed class ReplicationApiTests(ReplicationClusterFixture fixture)
{
    private PlatformApiClient Api => fixture.Api;

    private static string NewName() => "rep" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>The answer to a create carries the settings; an even replica count is accepted with a warning.</summary>
    [Fact]
    public async Task Create_answers_its_replication_and_warns_on_an_even_count()
    {
        var odd = await Api.CreateReplicatedNamespaceAsync(NewName(), shards: 2, replicas: 3);
        Assert.Equal(HttpStatusCode.Created, odd.StatusCode);
        Assert.Equal(new ReplicationInfo("leader", 3, "majority", "strong"), odd.Value!.Replication);
        Assert.Null(odd.Value.Warnings);

        var even = await Api.CreateReplicatedNamespaceAsync(NewName(), shards: 1, replicas: 2, ack: "all", consistency: "session");
        Assert.Equal(HttpStatusCode.Created, even.StatusCode);
        Assert.Equal(new ReplicationInfo("leader", 2, "all", "session"), even.Value!.Replication);
        Assert.Contains(even.Value.Warnings!, w => w.Contains("replication.replicas", StringComparison.Ordinal));
    }

    /// <summary>Re-creating with the same settings is a 200; with other replication settings a 409.</summary>
    [Fact]
    public async Task Create_again_is_idempotent_and_a_conflict_with_other_settings()
    {
        var ns = NewName();
        Assert.Equal(HttpStatusCode.Created, (await Api.CreateReplicatedNamespaceAsync(ns, 2, 3)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Api.CreateReplicatedNamespaceAsync(ns, 2, 3)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Api.CreateReplicatedNamespaceAsync(ns, 2, 5)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Api.CreateNamespaceAsync(ns, 2)).StatusCode);
    }

    /// <summary>Bad replication settings are a 400 naming the field, and create nothing.</summary>
    [Theory]
    [InlineData("""{"shards":2,"replication":{"mode":"leader","replicas":0}}""", "replication.replicas")]
    [InlineData("""{"shards":2,"replication":{"mode":"leader","replicas":8}}""", "replication.replicas")]
    [InlineData("""{"shards":2,"replication":{"mode":"leader","replicas":3,"ack":"sometimes"}}""", "replication.ack")]
    [InlineData("""{"shards":2,"replication":{"mode":"telepathy","replicas":3}}""", "replication.mode")]
    [InlineData("""{"shards":2,"replication":{"mode":"leader","consistency":"psychic"}}""", "replication.consistency")]
    [InlineData("""{"shards":2,"replication":{"mode":"leader","copies":3}}""", "replication.copies")]
    [InlineData("""{"shards":2,"transactional":true,"replication":{"mode":"leader","replicas":3}}""", "replication")]
    public async Task Bad_replication_settings_are_400_naming_the_field(string body, string field)
    {
        var ns = NewName();
        var answer = await Api.SendJsonAsync(HttpMethod.Put, $"/v1/namespaces/{ns}", body);
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal(field, answer.Problem?.Field);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetNamespaceAsync(ns)).StatusCode);
    }

    /// <summary>An unknown consistency level and a malformed session token are a 400 naming the header, on any namespace; a bad write changes nothing.</summary>
    [Fact]
    public async Task Bad_consistency_and_session_headers_are_400_naming_the_header()
    {
        var ns = NewName();
        await Api.CreateReplicatedNamespaceAsync(ns, 2, 3);
        Assert.Equal(HttpStatusCode.Created, (await Api.PutKeyAsync(ns, "k", "v1")).StatusCode);
        foreach (var name in new[] { ns, "default" })
        {
            var psychic = await Api.GetKeyAsync(name, "k", new KeyValueConditions { Consistency = "psychic" });
            Assert.Equal(HttpStatusCode.BadRequest, psychic.StatusCode);
            Assert.Equal("Platform-Consistency", psychic.Problem?.Field);
        }

        foreach (var token in new[] { "garbage", $"{ns}@x:0.1", $"{ns}@1:0.1,0.2", $"{ns}@1:a.1", "bad name@1:" })
        {
            var read = await Api.GetKeyAsync(ns, "k", new KeyValueConditions { Consistency = "session", Session = token });
            Assert.Equal(HttpStatusCode.BadRequest, read.StatusCode);
            Assert.Equal("Platform-Session", read.Problem?.Field);
            var write = await Api.PutKeyAsync(ns, "k", "v2", new KeyValueConditions { Session = token });
            Assert.Equal(HttpStatusCode.BadRequest, write.StatusCode);
            Assert.Equal("Platform-Session", write.Problem?.Field);
        }

        var after = await Api.GetKeyAsync(ns, "k", new KeyValueConditions { Consistency = "strong" });
        Assert.Equal("v1", after.Text);
        Assert.Equal(1, after.Version);

        var wait = await Api.SendAsync(HttpMethod.Get, $"/v1/kv/{ns}/k?waitMs=999999");
        Assert.Equal(HttpStatusCode.BadRequest, wait.StatusCode);
        Assert.Equal("waitMs", wait.Problem?.Field);
    }

    /// <summary>Every read says which replica served it, in what role and term, and how far it had applied; writes answer a session token.</summary>
    [Fact]
    public async Task Answers_name_the_replica_and_advance_the_session()
    {
        var ns = NewName();
        await Api.CreateReplicatedNamespaceAsync(ns, 1, 3);
        var put = await Api.PutKeyAsync(ns, "k", "v1");
        var session = put.Header("Platform-Session");
        Assert.NotNull(session);
        Assert.StartsWith($"{ns}@1:0.", session, StringComparison.Ordinal);
        Assert.Equal("leader", put.Header("Platform-Replica-Role"));
        var written = long.Parse(session.Split('.')[^1], System.Globalization.CultureInfo.InvariantCulture);

        var strong = await Api.GetKeyAsync(ns, "k", new KeyValueConditions { Consistency = "strong" });
        Assert.Equal("v1", strong.Text);
        Assert.Equal("leader", strong.Header("Platform-Replica-Role"));
        Assert.StartsWith($"{ns}/1/0/", strong.Header("Platform-Replica"), StringComparison.Ordinal);
        Assert.NotNull(strong.Header("Platform-Replica-Term"));

        // Session reads go to any replica; each serves only once it has applied what the session has seen.
        for (var i = 0; i < 12; i++)
        {
            var read = await Api.GetKeyAsync(ns, "k", new KeyValueConditions { Consistency = "session", Session = session });
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Equal("v1", read.Text);
            Assert.True(long.Parse(read.Header("Platform-Replica-Applied-Index")!, System.Globalization.CultureInfo.InvariantCulture) >= written);
            session = read.Header("Platform-Session");
        }

        var eventual = await Api.GetKeyAsync(ns, "k", new KeyValueConditions { Consistency = "eventual" });
        Assert.NotNull(eventual.Header("Platform-Replica"));
    }

    /// <summary>Conditions, deletes and listings work on a replicated namespace as on any other.</summary>
    [Fact]
    public async Task Conditions_deletes_and_listings_work()
    {
        var ns = NewName();
        await Api.CreateReplicatedNamespaceAsync(ns, 3, 3);
        Assert.Equal(HttpStatusCode.Created, (await Api.PutKeyAsync(ns, "a", "1", new KeyValueConditions { CreateOnly = true })).StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await Api.PutKeyAsync(ns, "a", "x", new KeyValueConditions { CreateOnly = true })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Api.PutKeyAsync(ns, "a", "2", KeyValueConditions.Version(1))).StatusCode);
        var stale = await Api.PutKeyAsync(ns, "a", "3", KeyValueConditions.Version(1));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        for (var i = 0; i < 20; i++)
        {
            await Api.PutKeyAsync(ns, $"k{i:D2}", $"v{i}");
        }

        var delete = await Api.DeleteKeyAsync(ns, "a");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.NotNull(delete.Header("Platform-Session"));
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetKeyAsync(ns, "a")).StatusCode);
        var recreated = await Api.PutKeyAsync(ns, "a", "4");
        Assert.Equal(3, recreated.Version);

        var listing = await Api.ListKeysAsync(ns, prefix: "k", limit: 100);
        Assert.Equal(20, listing.Value!.Items.Count);
        Assert.Equal([.. Enumerable.Range(0, 20).Select(i => $"k{i:D2}")], listing.Value.Items.Select(i => i.Key).ToList());
    }

    /// <summary>Each shard of a replicated namespace is a group of three replicas on three distinct silos, with one leader.</summary>
    [Fact]
    public async Task The_shard_map_shows_each_group_on_distinct_silos_with_one_leader()
    {
        var ns = NewName();
        await Api.CreateReplicatedNamespaceAsync(ns, 4, 3);
        var map = await Eventually.Until(
            async ct => (await Api.GetShardMapAsync(ns, cancellationToken: ct)).Value,
            m => m is not null && m.Items.All(s => s.Leader is not null && s.Replicas!.Count(r => r.Role == "leader") == 1),
            "every group of the shard map has one leader");
        Assert.All(map!.Items, shard =>
        {
            Assert.Equal(3, shard.Replicas!.Count);
            Assert.Equal(3, shard.Replicas.Select(r => r.Silo).Distinct().Count());
            Assert.All(shard.Replicas, r => Assert.True(r.Voter));
            Assert.Null(shard.Degraded);
            Assert.Equal(shard.Silo, shard.Replicas.Single(r => r.Role == "leader").Silo);
        });
    }
}
