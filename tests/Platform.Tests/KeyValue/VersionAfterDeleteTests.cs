using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Platform.KeyValue.Storage;
using Platform.Sharding;
using Platform.Testing.Http;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.KeyValue;

/// <summary>
/// A version (ETag) never names two contents of one key, across delete and re-create: a deleted key leaves a
/// tombstone with its last version, and a re-created key continues above it. Tombstones never show.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class VersionAfterDeleteTests(ClusterFixture fixture)
{
    private PlatformApiClient Api => fixture.Api;

    /// <summary>
    /// PUT, DELETE, PUT again: the second PUT is 201 with ETag "2", not "1"; a writer holding "1" is refused (412) and a
    /// reader holding "1" gets the new content (200, not 304).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Put_AfterDeleteAndRecreate_NeverRepeatsAVersion(bool transactional)
    {
        var ns = await CreateNamespace(shards: 2, transactional);
        var first = await Api.PutKeyAsync(ns, "aba", "first");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(1, first.Version);
        (await Api.DeleteKeyAsync(ns, "aba")).Expect(HttpStatusCode.NoContent);

        var again = await Api.PutKeyAsync(ns, "aba", "second");
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(2, again.Version);

        var stale = ProblemAssert.IsProblem(await Api.PutKeyAsync(ns, "aba", "overwrite", KeyValueConditions.Version(1)), HttpStatusCode.PreconditionFailed);
        Assert.Equal(2, stale.CurrentVersion);
        var read = await Api.GetKeyAsync(ns, "aba", new KeyValueConditions { IfNoneMatch = 1 });
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("second", read.Text);

        // Deleting the re-created key and creating it once more keeps counting.
        (await Api.DeleteKeyAsync(ns, "aba")).Expect(HttpStatusCode.NoContent);
        var third = await Api.PutKeyAsync(ns, "aba", "third", new KeyValueConditions { CreateOnly = true });
        Assert.Equal(HttpStatusCode.Created, third.StatusCode);
        Assert.Equal(3, third.Version);
    }

    /// <summary>/v1/txn compares versions: "version == 1" must not hold for a key deleted at 1 and created again.</summary>
    [Fact]
    public async Task Txn_VersionCompareAfterDeleteAndRecreate_IsNotFooled()
    {
        var ns = await CreateNamespace(shards: 2, transactional: true);
        (await Api.PutKeyAsync(ns, "acct", "10")).ExpectSuccess();

        // Deleted and re-created inside transactions as well as by single-key calls.
        (await Api.TransactAsync(new { @namespace = ns, success = new[] { new { op = "delete", key = "acct" } } })).Ok();
        var recreated = (await Api.TransactAsync(new { @namespace = ns, success = new[] { new { op = "put", key = "acct", value = "20" } } })).Ok();
        Assert.Equal(2, Assert.Single(recreated.Results).Version);

        var result = (await Api.TransactAsync(new
        {
            @namespace = ns,
            compare = new[] { new { key = "acct", target = "version", op = "==", value = "1" } },
            success = new[] { new { op = "put", key = "acct", value = "stale writer won" } },
        })).Ok();
        Assert.False(result.Succeeded);
        Assert.Equal("20", (await Api.GetKeyAsync(ns, "acct")).Text);
    }

    /// <summary>Tombstones never show: GET 404, a second DELETE 404, not listed, not counted in the shard map or by exists.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Delete_LeavesNoVisibleTrace_InGetListOrShardStats(bool transactional)
    {
        var ns = await CreateNamespace(shards: 1, transactional);
        (await Api.PutKeyAsync(ns, "gone", "12345")).ExpectSuccess();
        (await Api.PutKeyAsync(ns, "kept", "abc")).ExpectSuccess();
        (await Api.DeleteKeyAsync(ns, "gone")).Expect(HttpStatusCode.NoContent);

        ProblemAssert.IsProblem(await Api.GetKeyAsync(ns, "gone"), HttpStatusCode.NotFound);
        ProblemAssert.IsProblem(await Api.DeleteKeyAsync(ns, "gone"), HttpStatusCode.NotFound);
        Assert.Equal(["kept"], (await Api.ListKeysAsync(ns)).Ok().Items.Select(i => i.Key));
        var shard = Assert.Single((await Api.GetShardMapAsync(ns)).Ok().Items);
        Assert.Equal(1, shard.Keys);
        Assert.Equal(3, shard.Bytes);

        if (transactional)
        {
            var result = (await Api.TransactAsync(new
            {
                @namespace = ns,
                compare = new[] { new { key = "gone", target = "exists", op = "==", value = "false" } },
                success = new[] { new { op = "get", key = "gone" } },
            })).Ok();
            Assert.True(result.Succeeded);
            Assert.False(Assert.Single(result.Results).Found);
        }
    }

    /// <summary>The tombstone is what storage holds (so it outlives the activation): the deleted version, no value.</summary>
    [Fact]
    public async Task Delete_WritesATombstoneWithTheLastVersionToShardStorage()
    {
        var ns = await CreateNamespace(shards: 1, transactional: false);
        (await Api.PutKeyAsync(ns, "t", "v1")).ExpectSuccess();
        (await Api.PutKeyAsync(ns, "t", "v2")).ExpectSuccess();
        (await Api.DeleteKeyAsync(ns, "t")).Expect(HttpStatusCode.NoContent);

        var location = (await Api.LocateAsync(ns, "t")).Ok();
        var storage = fixture.Cluster.Primary.Services.GetRequiredService<IShardStorage>();
        var stored = await storage.ReadAsync(ShardId.Parse(location.Grain), "t");
        Assert.NotNull(stored);
        Assert.True(stored.Entry.Deleted);
        Assert.Equal(2, stored.Entry.Version);
        Assert.Empty(stored.Entry.Value);
    }

    private async Task<string> CreateNamespace(int shards, bool transactional)
    {
        var ns = $"ver-{Guid.NewGuid():N}"[..16];
        (await Api.CreateNamespaceAsync(ns, shards, transactional)).Ok(HttpStatusCode.Created);
        return ns;
    }
}
