using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Platform.KeyValue.Storage;
using Platform.Sharding;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.KeyValue;

/// <summary>
/// A version (ETag) never names two contents of one key, across delete and re-create: a deleted key leaves a
/// tombstone with its last version, and a re-created key continues above it. Tombstones never show.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class VersionAfterDeleteTests(ClusterFixture fixture)
{
    private HttpClient Http => fixture.Http;

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
        var url = $"/v1/kv/{ns}/aba";
        using (var first = await Http.PutAsync(url, new StringContent("first")))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
            Assert.Equal("\"1\"", first.Headers.ETag?.Tag);
        }

        using (var deleted = await Http.DeleteAsync(url))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using (var again = await Http.PutAsync(url, new StringContent("second")))
        {
            Assert.Equal(HttpStatusCode.Created, again.StatusCode);
            Assert.Equal("\"2\"", again.Headers.ETag?.Tag);
        }

        using (var stale = await Send(HttpMethod.Put, url, "overwrite", ifMatch: "\"1\""))
        {
            var problem = await ProblemAssert.IsProblem(stale, HttpStatusCode.PreconditionFailed);
            Assert.Equal(2, problem.GetProperty("currentVersion").GetInt64());
        }

        using (var read = await Send(HttpMethod.Get, url, null, ifNoneMatch: "\"1\""))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Equal("second", await read.Content.ReadAsStringAsync());
        }

        // Deleting the re-created key and creating it once more keeps counting.
        (await Http.DeleteAsync(url)).Dispose();
        using var third = await Send(HttpMethod.Put, url, "third", ifNoneMatch: "*");
        Assert.Equal(HttpStatusCode.Created, third.StatusCode);
        Assert.Equal("\"3\"", third.Headers.ETag?.Tag);
    }

    /// <summary>/v1/txn compares versions: "version == 1" must not hold for a key deleted at 1 and created again.</summary>
    [Fact]
    public async Task Txn_VersionCompareAfterDeleteAndRecreate_IsNotFooled()
    {
        var ns = await CreateNamespace(shards: 2, transactional: true);
        (await Http.PutAsync($"/v1/kv/{ns}/acct", new StringContent("10"))).Dispose();
        var txn = new
        {
            @namespace = ns,
            compare = new[] { new { key = "acct", target = "version", op = "==", value = "1" } },
            success = new[] { new { op = "put", key = "acct", value = "stale writer won" } },
        };

        // Deleted and re-created inside transactions as well as by single-key calls.
        using (var delete = await PostTxn(new { @namespace = ns, success = new[] { new { op = "delete", key = "acct" } } }))
        {
            Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        }

        using (var recreate = await PostTxn(new { @namespace = ns, success = new[] { new { op = "put", key = "acct", value = "20" } } }))
        {
            var body = JsonDocument.Parse(await recreate.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(2, body.GetProperty("results")[0].GetProperty("version").GetInt64());
        }

        using var response = await PostTxn(txn);
        var result = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.False(result.GetProperty("succeeded").GetBoolean(), result.ToString());
        Assert.Equal("20", await Http.GetStringAsync($"/v1/kv/{ns}/acct"));
    }

    /// <summary>Tombstones never show: GET 404, not listed, not counted in the shard map; the tombstone is in storage.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Delete_LeavesNoVisibleTrace_InGetListOrShardStats(bool transactional)
    {
        var ns = await CreateNamespace(shards: 1, transactional);
        (await Http.PutAsync($"/v1/kv/{ns}/gone", new StringContent("12345"))).Dispose();
        (await Http.PutAsync($"/v1/kv/{ns}/kept", new StringContent("abc"))).Dispose();
        (await Http.DeleteAsync($"/v1/kv/{ns}/gone")).Dispose();

        using (var get = await Http.GetAsync($"/v1/kv/{ns}/gone"))
        {
            await ProblemAssert.IsProblem(get, HttpStatusCode.NotFound);
        }

        using (var again = await Http.DeleteAsync($"/v1/kv/{ns}/gone"))
        {
            await ProblemAssert.IsProblem(again, HttpStatusCode.NotFound);
        }

        var page = await Http.GetFromJsonAsync<JsonElement>($"/v1/kv/{ns}");
        Assert.Equal(["kept"], page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("key").GetString()));
        var map = await Http.GetFromJsonAsync<JsonElement>($"/v1/namespaces/{ns}/shards");
        var shard = Assert.Single(map.GetProperty("items").EnumerateArray());
        Assert.Equal(1, shard.GetProperty("keys").GetInt64());
        Assert.Equal(3, shard.GetProperty("bytes").GetInt64());

        if (transactional)
        {
            using var txn = await PostTxn(new
            {
                @namespace = ns,
                compare = new[] { new { key = "gone", target = "exists", op = "==", value = "false" } },
                success = new[] { new { op = "get", key = "gone" } },
            });
            var result = JsonDocument.Parse(await txn.Content.ReadAsStringAsync()).RootElement;
            Assert.True(result.GetProperty("succeeded").GetBoolean(), result.ToString());
            Assert.False(result.GetProperty("results")[0].GetProperty("found").GetBoolean());
        }
    }

    /// <summary>The tombstone is what storage holds (so it outlives the activation): the deleted version, no value.</summary>
    [Fact]
    public async Task Delete_WritesATombstoneWithTheLastVersionToShardStorage()
    {
        var ns = await CreateNamespace(shards: 1, transactional: false);
        (await Http.PutAsync($"/v1/kv/{ns}/t", new StringContent("v1"))).Dispose();
        (await Http.PutAsync($"/v1/kv/{ns}/t", new StringContent("v2"))).Dispose();
        (await Http.DeleteAsync($"/v1/kv/{ns}/t")).Dispose();

        var location = await Http.GetFromJsonAsync<JsonElement>($"/v1/namespaces/{ns}/locate?key=t");
        var storage = Assert.IsType<InProcessSiloHandle>(fixture.Cluster.Primary).SiloHost.Services.GetRequiredService<IShardStorage>();
        var stored = await storage.ReadAsync(ShardId.Parse(location.GetProperty("grain").GetString()!), "t");
        Assert.NotNull(stored);
        Assert.True(stored.Entry.Deleted);
        Assert.Equal(2, stored.Entry.Version);
        Assert.Empty(stored.Entry.Value);
    }

    private async Task<string> CreateNamespace(int shards, bool transactional)
    {
        var ns = $"ver-{Guid.NewGuid():N}"[..16];
        using var response = await Http.PutAsJsonAsync($"/v1/namespaces/{ns}", new { shards, transactional });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return ns;
    }

    private Task<HttpResponseMessage> PostTxn(object body) =>
        Http.PostAsync("/v1/txn", new StringContent(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json"));

    private async Task<HttpResponseMessage> Send(HttpMethod method, string url, string? body, string? ifMatch = null, string? ifNoneMatch = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new StringContent(body);
        }

        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        }

        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }

        return await Http.SendAsync(request);
    }
}
