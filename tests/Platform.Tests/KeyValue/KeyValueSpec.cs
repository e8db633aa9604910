using System.Net;
using System.Text;
using Platform.Errors;
using Platform.KeyValue;
using Platform.Sharding;
using Platform.Testing.Http;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.KeyValue;

/// <summary>
/// Key-value behaviour that must hold whatever stores the shards: versions and conditions, content types, listing,
/// namespaces, over HTTP and through the typed client. Each storage mode runs it through a three-line subclass with
/// its fixture (<see cref="KeyValueOnMemoryTests"/>, <see cref="KeyValueOnAzureTableTests"/>), as Orleans' transaction
/// test kit runs one runner per storage provider.
/// </summary>
public abstract class KeyValueSpec(PlatformClusterFixture fixture)
{
    private PlatformApiClient Api => fixture.Api;

    private IKeyValueStore Store => fixture.Service<IKeyValueStore>();

    private INamespaceAdmin Admin => fixture.Service<INamespaceAdmin>();

    /// <summary>Versions start at 1 and grow by one per write; a stale If-Match is refused with 412 naming the current version.</summary>
    [Fact]
    public async Task Put_WithStaleIfMatch_Returns412NamingCurrentVersion()
    {
        Assert.Equal("\"1\"", (await Api.PutKeyAsync("default", "cas-key", "a")).ETag);

        var second = await Api.PutKeyAsync("default", "cas-key", "b", KeyValueConditions.Version(1));
        Assert.Equal((HttpStatusCode.OK, "\"2\""), (second.StatusCode, second.ETag));

        var problem = ProblemAssert.IsProblem(await Api.PutKeyAsync("default", "cas-key", "c", KeyValueConditions.Version(1)), HttpStatusCode.PreconditionFailed);
        Assert.Equal(2, problem.CurrentVersion);
        Assert.Equal("b", (await Api.GetKeyAsync("default", "cas-key")).Text);
    }

    /// <summary>If-None-Match: * creates only: a second create is refused with 412 and the first value stays.</summary>
    [Fact]
    public async Task Put_IfNoneMatchStarOnExistingKey_Returns412AndKeepsValue()
    {
        var createOnly = new KeyValueConditions { CreateOnly = true };
        (await Api.PutKeyAsync("default", "create-only", "first", createOnly)).Expect(HttpStatusCode.Created);

        await ProblemAssert.IsProblem(Api.PutKeyAsync("default", "create-only", "second", createOnly), HttpStatusCode.PreconditionFailed);
        Assert.Equal("first", (await Api.GetKeyAsync("default", "create-only")).Text);
    }

    /// <summary>A delete with If-Match removes the key only at that version; a second delete is a 404.</summary>
    [Fact]
    public async Task Delete_WithIfMatch_DeletesOnlyAtThatVersion()
    {
        (await Api.PutKeyAsync("default", "delete-me", "x")).ExpectSuccess();
        (await Api.PutKeyAsync("default", "delete-me", "y")).ExpectSuccess();

        await ProblemAssert.IsProblem(Api.DeleteKeyAsync("default", "delete-me", KeyValueConditions.Version(1)), HttpStatusCode.PreconditionFailed);
        (await Api.DeleteKeyAsync("default", "delete-me", KeyValueConditions.Version(2))).Expect(HttpStatusCode.NoContent);
        await ProblemAssert.IsProblem(Api.DeleteKeyAsync("default", "delete-me"), HttpStatusCode.NotFound);
    }

    /// <summary>Content-Type travels with the value; keys may contain slashes and percent signs.</summary>
    [Fact]
    public async Task Get_ReturnsStoredContentTypeAndEscapedKeysRoundTrip()
    {
        (await Api.PutKeyAsync("default", "dir/file%.json", "{\"a\":1}", new KeyValueConditions { ContentType = "application/json" })).ExpectSuccess();

        var get = await Api.GetKeyAsync("default", "dir/file%.json");
        Assert.StartsWith("application/json", get.ContentType, StringComparison.Ordinal);
        Assert.Equal("{\"a\":1}", get.Text);
        var listed = (await Api.ListKeysAsync("default", prefix: "dir/")).Ok();
        Assert.Equal("dir/file%.json", Assert.Single(listed.Items).Key);
    }

    /// <summary>A value at the configured limit (64 KiB here: several Azure Table properties) is stored and read back byte for byte.</summary>
    [Fact]
    public async Task Put_ValueExactlyAtTheLimit_IsAcceptedAndReadsBackWhole()
    {
        var value = new byte[64 * 1024];
        new Random(7).NextBytes(value);
        (await Api.PutKeyAsync("default", "at-the-limit", value)).ExpectSuccess();
        Assert.Equal(value, (await Api.GetKeyAsync("default", "at-the-limit")).Body);
    }

    /// <summary>Listing merges every shard's keys: each matching key exactly once, sorted, across pages.</summary>
    [Fact]
    public async Task List_WithPrefixAcrossShardsAndPages_ReturnsEveryMatchOnceSorted()
    {
        (await Api.CreateNamespaceAsync("listing", shards: 16, partitioning: "hash")).ExpectSuccess();
        var expected = Enumerable.Range(0, 230).Select(i => $"user:{i:D4}").ToList();
        foreach (var key in expected.Concat(Enumerable.Range(0, 40).Select(i => $"other:{i}")))
        {
            (await Api.PutKeyAsync("listing", key, key)).ExpectSuccess();
        }

        var seen = new List<string>();
        var pages = 0;
        await foreach (var page in Api.ListKeyPagesAsync("listing", prefix: "user:", limit: 50))
        {
            pages++;
            Assert.True(page.Items.Count <= 50);
            foreach (var item in page.Items)
            {
                seen.Add(item.Key);
                Assert.Equal(item.Key, item.Value);
                Assert.Equal(item.Key, Encoding.UTF8.GetString(item.Bytes));
            }
        }

        Assert.Equal(expected, seen);
        Assert.Equal(5, pages);
    }

    /// <summary>Non-UTF-8 values are listed as valueBase64 only.</summary>
    [Fact]
    public async Task List_BinaryValue_HasBase64ButNoTextValue()
    {
        (await Api.CreateNamespaceAsync("binary", shards: 2)).ExpectSuccess();
        (await Api.PutKeyAsync("binary", "blob", [0xff, 0xfe, 0x00])).ExpectSuccess();

        var listed = await Api.ListKeysAsync("binary");
        var item = Assert.Single(listed.Ok().Items);
        Assert.Equal("//4A", item.ValueBase64);
        Assert.Null(item.Value);
        Assert.DoesNotContain("\"value\"", listed.Text, StringComparison.Ordinal);
    }

    /// <summary>Locate names the shard holding the key, and the shard map agrees on its key count and silo.</summary>
    [Fact]
    public async Task Locate_ReturnsTheShardThatHoldsTheKey()
    {
        (await Api.CreateNamespaceAsync("locate", shards: 8)).ExpectSuccess();
        (await Api.PutKeyAsync("locate", "some-key", "v")).ExpectSuccess();

        var location = (await Api.LocateAsync("locate", "some-key")).Ok();
        var entry = (await Api.GetShardMapAsync("locate")).Ok().Items[location.Shard];
        Assert.Equal(1, entry.Keys);
        Assert.Equal(entry.Silo, location.Silo);
    }

    /// <summary>Deleting a namespace removes its keys; the re-created namespace is a new generation and starts empty.</summary>
    [Fact]
    public async Task DeleteNamespace_RemovesKeysAndRecreatedNamespaceStartsEmpty()
    {
        (await Api.CreateNamespaceAsync("ephemeral", shards: 4)).ExpectSuccess();
        (await Api.PutKeyAsync("ephemeral", "k", "v")).ExpectSuccess();
        (await Api.DeleteNamespaceAsync("ephemeral")).Expect(HttpStatusCode.NoContent);
        await ProblemAssert.IsProblem(Api.GetKeyAsync("ephemeral", "k"), HttpStatusCode.NotFound);

        (await Api.CreateNamespaceAsync("ephemeral", shards: 2)).Expect(HttpStatusCode.Created);
        await ProblemAssert.IsProblem(Api.GetKeyAsync("ephemeral", "k"), HttpStatusCode.NotFound);
        var settings = (await Api.GetNamespaceAsync("ephemeral")).Ok();
        Assert.Equal((2, 2L), (settings.Shards, settings.Generation));
    }

    /// <summary>The namespace list holds the default one and the created ones, in name order.</summary>
    [Fact]
    public async Task ListNamespaces_IncludesDefaultAndCreatedOnes()
    {
        (await Api.CreateNamespaceAsync("listed-ns", shards: 1)).ExpectSuccess();
        var names = (await Api.ListNamespacesAsync(limit: 1000)).Ok().Items;
        Assert.Contains("default", names);
        Assert.Contains("listed-ns", names);
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
    }

    /// <summary>The typed client: put (with a version condition), get, list and delete round-trip.</summary>
    [Fact]
    public async Task KeyValueStore_PutGetListDelete_RoundTrips()
    {
        await Admin.CreateAsync("typed", new NamespaceSpec { Shards = 8 });
        var v1 = await Store.PutAsync("typed", "a/1", Encoding.UTF8.GetBytes("one"), new KeyValuePutOptions { ContentType = "text/plain" });
        var v2 = await Store.PutAsync("typed", "a/1", Encoding.UTF8.GetBytes("uno"), new KeyValuePutOptions { Condition = new KeyValueCondition { IfMatchVersion = v1 } });
        await Store.PutAsync("typed", "a/2", Encoding.UTF8.GetBytes("two"));

        var entry = await Store.GetAsync("typed", "a/1");
        Assert.NotNull(entry);
        Assert.Equal((1, 2), (v1, v2));
        Assert.Equal("uno", Encoding.UTF8.GetString(entry.Value));
        Assert.Null(entry.ContentType);

        var page = await Store.ListAsync("typed", new KeyValueListOptions { Prefix = "a/" });
        Assert.Equal(["a/1", "a/2"], page.Items.Select(i => i.Key));
        Assert.Null(page.ContinuationToken);

        await Store.DeleteAsync("typed", "a/1");
        Assert.Null(await Store.GetAsync("typed", "a/1"));
        await Assert.ThrowsAsync<PlatformNotFoundException>(() => Store.DeleteAsync("typed", "a/1"));
    }

    /// <summary>The typed client's stale version is a PlatformPreconditionFailedException carrying the current version.</summary>
    [Fact]
    public async Task KeyValueStore_StaleVersion_ThrowsPreconditionFailedWithCurrentVersion()
    {
        await Store.PutAsync("default", "typed-cas", [1]);
        await Store.PutAsync("default", "typed-cas", [2]);
        var error = await Assert.ThrowsAsync<PlatformPreconditionFailedException>(() =>
            Store.PutAsync("default", "typed-cas", [3], new KeyValuePutOptions { Condition = new KeyValueCondition { IfMatchVersion = 1 } }));
        Assert.Equal(2, error.CurrentVersion);
    }

    /// <summary>The typed client's shard map and locate agree, and the ring shares add up to one.</summary>
    [Fact]
    public async Task NamespaceAdmin_ShardMapAndLocate_Agree()
    {
        await Admin.CreateAsync("typed-map", new NamespaceSpec { Shards = 4 });
        await Store.PutAsync("typed-map", "where", [0]);
        var location = await Admin.LocateAsync("typed-map", "where");
        var map = await Admin.GetShardMapAsync("typed-map", includeRanges: true);
        Assert.Equal(4, map.Count);
        Assert.Equal(1, map[location.Shard].Keys);
        Assert.Equal(location.Silo, map[location.Shard].Silo);
        Assert.Equal(HashRing.VirtualNodesPerShard, map[location.Shard].Ranges!.Count);
        Assert.Equal(1.0, map.Sum(s => s.Ownership), 6);
    }
}
