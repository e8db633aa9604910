using System.Net;
using System.Text;
using Platform.KeyValue;
using Platform.Sharding;
using Platform.Testing.Http;
using Platform.Tests.Infrastructure;
using Platform.Transactions;

namespace Platform.Tests.Sharding;

/// <summary>
/// Two client hosts with their own routing caches: the HTTP host deletes and re-creates a namespace, and the typed
/// client (another host of the same cluster, whose cached routing still names the old generation, 30 s TTL) is served
/// the new generation at once by every operation: the old generation's shards answer NamespaceGone and the router
/// refreshes and retries (one mechanism, <c>NamespaceRouter.RunAsync</c>).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class StaleRoutingTests(ClusterFixture fixture)
{
    public static TheoryData<string, bool> Operations()
    {
        var data = new TheoryData<string, bool>();
        foreach (var transactional in new[] { false, true })
        {
            foreach (var op in new[] { "get", "get-absent", "list", "put", "delete", "shards", "locate" })
            {
                data.Add(op, transactional);
            }
        }

        data.Add("transaction", true);
        return data;
    }

    private PlatformApiClient Api => fixture.Api;

    private IKeyValueStore Store => fixture.Service<IKeyValueStore>();

    private INamespaceAdmin Admin => fixture.Service<INamespaceAdmin>();

    /// <summary>
    /// The typed client caches generation 1 (a read of it), the HTTP host deletes the namespace, re-creates it with
    /// another shard count and writes generation 2's data; the typed client's next operation of each kind answers
    /// from generation 2 at once: no 404, no old data, no waiting for the routing TTL.
    /// </summary>
    [Theory]
    [MemberData(nameof(Operations))]
    public async Task Operation_AfterNamespaceRecreatedByAnotherHost_AnswersTheNewGenerationAtOnce(string op, bool transactional)
    {
        var ns = $"stale-{op}-{(transactional ? "t" : "p")}-{Guid.NewGuid():N}"[..30];
        (await Api.CreateNamespaceAsync(ns, shards: 4, transactional: transactional)).Expect(HttpStatusCode.Created);
        (await Api.PutKeyAsync(ns, "k", "generation 1")).Expect(HttpStatusCode.Created);
        (await Api.PutKeyAsync(ns, "only-in-1", "old")).Expect(HttpStatusCode.Created);
        Assert.Equal("generation 1", Text(await Store.GetAsync(ns, "k")));

        (await Api.DeleteNamespaceAsync(ns)).Expect(HttpStatusCode.NoContent);
        (await Api.CreateNamespaceAsync(ns, shards: 3, transactional: transactional)).Expect(HttpStatusCode.Created);
        (await Api.PutKeyAsync(ns, "k", "generation 2")).Expect(HttpStatusCode.Created);
        (await Api.PutKeyAsync(ns, "only-in-2", "new")).Expect(HttpStatusCode.Created);

        switch (op)
        {
            case "get":
                Assert.Equal("generation 2", Text(await Store.GetAsync(ns, "k")));
                break;
            case "get-absent":
                Assert.Null(await Store.GetAsync(ns, "only-in-1"));
                Assert.Equal("new", Text(await Store.GetAsync(ns, "only-in-2")));
                break;
            case "list":
                var page = await Store.ListAsync(ns);
                Assert.Equal(["k", "only-in-2"], page.Items.Select(i => i.Key));
                Assert.Equal("generation 2", Text(page.Items[0]));
                break;
            case "put":
                var put = await Store.PutWithResultAsync(ns, "only-in-1", Encoding.UTF8.GetBytes("re-created in 2"));
                Assert.Equal(new KeyValuePutResult(1, Created: true), put);
                Assert.Equal("re-created in 2", (await Api.GetKeyAsync(ns, "only-in-1")).Text);
                break;
            case "delete":
                await Store.DeleteAsync(ns, "only-in-2");
                await ProblemAssert.IsProblem(Api.GetKeyAsync(ns, "only-in-2"), HttpStatusCode.NotFound);
                break;
            case "shards":
                var map = await Admin.GetShardMapAsync(ns);
                Assert.Equal(3, map.Count);
                Assert.All(map, s => Assert.Equal(new ShardId(ns, 2, s.Shard).ToString(), s.Grain));
                Assert.Equal(2, map.Sum(s => s.Keys));
                break;
            case "locate":
                var location = await Admin.LocateAsync(ns, "k");
                Assert.Equal(new ShardId(ns, 2, location.Shard).ToString(), location.Grain);
                break;
            case "transaction":
                var result = await Store.Transaction(ns).Then(TransactionOp.Get("k"), TransactionOp.Get("only-in-1")).CommitAsync();
                Assert.Equal(["generation 2", null], result.Results.Select(r => r.Value is null ? null : Encoding.UTF8.GetString(r.Value)));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(op), op, null);
        }
    }

    /// <summary>A namespace deleted (not re-created) by the other host is "not found" at once for the typed client, not "key not found".</summary>
    [Fact]
    public async Task Get_AfterNamespaceDeletedByAnotherHost_IsNamespaceNotFoundAtOnce()
    {
        var ns = $"stale-gone-{Guid.NewGuid():N}"[..24];
        (await Api.CreateNamespaceAsync(ns, shards: 2)).Expect(HttpStatusCode.Created);
        (await Api.PutKeyAsync(ns, "k", "v")).Expect(HttpStatusCode.Created);
        Assert.NotNull(await Store.GetAsync(ns, "k"));

        (await Api.DeleteNamespaceAsync(ns)).Expect(HttpStatusCode.NoContent);

        var error = await Assert.ThrowsAsync<Platform.Errors.PlatformNotFoundException>(() => Store.GetAsync(ns, "k"));
        Assert.Contains($"Namespace '{ns}'", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<Platform.Errors.PlatformNotFoundException>(() => Store.ListAsync(ns));
    }

    private static string? Text(KeyValueEntry? entry) => entry is null ? null : Encoding.UTF8.GetString(entry.Value);
}
