using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.KeyValue;

[Collection(ClusterCollection.Name)]
public sealed class KeyValueHttpTests(ClusterFixture fixture)
{
    private HttpClient Http => fixture.Http;

    /// <summary>10,000 keys written over HTTP read back byte for byte, and the ring spreads them evenly over 64 shards.</summary>
    [Fact]
    public async Task Put_TenThousandKeys_ReadBackEqualAndSpreadEvenlyOverShards()
    {
        await CreateNamespace("bulk", 64);
        const int count = 10_000;
        using var gate = new SemaphoreSlim(32);
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                using var put = await Http.PutAsync($"/v1/kv/bulk/key-{i}", new ByteArrayContent(ValueOf(i)));
                Assert.Equal(HttpStatusCode.Created, put.StatusCode);
                using var get = await Http.GetAsync($"/v1/kv/bulk/key-{i}");
                Assert.Equal(HttpStatusCode.OK, get.StatusCode);
                Assert.Equal(ValueOf(i), await get.Content.ReadAsByteArrayAsync());
            }
            finally
            {
                gate.Release();
            }
        }));

        var map = await Http.GetFromJsonAsync<JsonElement>("/v1/namespaces/bulk/shards");
        var keysPerShard = map.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("keys").GetInt64()).ToList();
        Assert.Equal(64, keysPerShard.Count);
        Assert.Equal(count, keysPerShard.Sum());
        Assert.All(keysPerShard, k => Assert.True(k > 0, "a shard got no keys"));
        var mean = count / 64.0;
        Assert.True(keysPerShard.Max() <= 1.5 * mean, $"fullest shard holds {keysPerShard.Max()} keys, mean {mean}");
    }

    /// <summary>Versions start at 1 and grow by one per write; a stale If-Match is refused with 412 naming the current version.</summary>
    [Fact]
    public async Task Put_WithStaleIfMatch_Returns412NamingCurrentVersion()
    {
        const string url = "/v1/kv/default/cas-key";
        using (var first = await Http.PutAsync(url, new StringContent("a")))
        {
            Assert.Equal("\"1\"", first.Headers.ETag?.Tag);
        }

        using (var second = await Send(HttpMethod.Put, url, "b", ifMatch: "\"1\""))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            Assert.Equal("\"2\"", second.Headers.ETag?.Tag);
        }

        using var stale = await Send(HttpMethod.Put, url, "c", ifMatch: "\"1\"");
        var problem = await ProblemAssert.IsProblem(stale, HttpStatusCode.PreconditionFailed);
        Assert.Equal(2, problem.GetProperty("currentVersion").GetInt64());
        Assert.Equal("b", await Http.GetStringAsync(url));
    }

    [Fact]
    public async Task Put_IfNoneMatchStarOnExistingKey_Returns412AndKeepsValue()
    {
        const string url = "/v1/kv/default/create-only";
        using (var created = await Send(HttpMethod.Put, url, "first", ifNoneMatch: "*"))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var again = await Send(HttpMethod.Put, url, "second", ifNoneMatch: "*");
        await ProblemAssert.IsProblem(again, HttpStatusCode.PreconditionFailed);
        Assert.Equal("first", await Http.GetStringAsync(url));
    }

    [Fact]
    public async Task Delete_WithIfMatch_DeletesOnlyAtThatVersion()
    {
        const string url = "/v1/kv/default/delete-me";
        (await Http.PutAsync(url, new StringContent("x"))).Dispose();
        (await Http.PutAsync(url, new StringContent("y"))).Dispose();

        using (var stale = await Send(HttpMethod.Delete, url, null, ifMatch: "\"1\""))
        {
            await ProblemAssert.IsProblem(stale, HttpStatusCode.PreconditionFailed);
        }

        using (var deleted = await Send(HttpMethod.Delete, url, null, ifMatch: "\"2\""))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using var missing = await Http.DeleteAsync(url);
        await ProblemAssert.IsProblem(missing, HttpStatusCode.NotFound);
    }

    /// <summary>Content-Type travels with the value; keys may contain encoded slashes and percent signs.</summary>
    [Fact]
    public async Task Get_ReturnsStoredContentTypeAndEscapedKeysRoundTrip()
    {
        var content = new StringContent("{\"a\":1}", Encoding.UTF8, "application/json");
        (await Http.PutAsync("/v1/kv/default/dir%2Ffile%25.json", content)).Dispose();
        using var get = await Http.GetAsync("/v1/kv/default/dir%2Ffile%25.json");
        Assert.Equal("application/json", get.Content.Headers.ContentType?.MediaType);
        Assert.Equal("{\"a\":1}", await get.Content.ReadAsStringAsync());

        var listed = await Http.GetFromJsonAsync<JsonElement>("/v1/kv/default?prefix=dir%2F");
        Assert.Equal("dir/file%.json", Assert.Single(listed.GetProperty("items").EnumerateArray()).GetProperty("key").GetString());
    }

    /// <summary>Listing merges every shard's keys: each matching key exactly once, sorted, across pages.</summary>
    [Fact]
    public async Task List_WithPrefixAcrossShardsAndPages_ReturnsEveryMatchOnceSorted()
    {
        await CreateNamespace("listing", 16);
        var expected = Enumerable.Range(0, 230).Select(i => $"user:{i:D4}").ToList();
        foreach (var key in expected.Concat(Enumerable.Range(0, 40).Select(i => $"other:{i}")))
        {
            (await Http.PutAsync($"/v1/kv/listing/{key}", new StringContent(key))).Dispose();
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var url = $"/v1/kv/listing?prefix=user:&limit=50" + (token is null ? "" : $"&continuationToken={token}");
            var page = await Http.GetFromJsonAsync<JsonElement>(url);
            var items = page.GetProperty("items").EnumerateArray().ToList();
            Assert.True(items.Count <= 50);
            foreach (var item in items)
            {
                var key = item.GetProperty("key").GetString()!;
                seen.Add(key);
                Assert.Equal(key, item.GetProperty("value").GetString());
                Assert.Equal(key, Encoding.UTF8.GetString(Convert.FromBase64String(item.GetProperty("valueBase64").GetString()!)));
            }

            token = page.TryGetProperty("continuationToken", out var t) ? t.GetString() : null;
            pages++;
        }
        while (token is not null && pages < 100);

        Assert.Equal(expected, seen);
        Assert.Equal(5, pages);
    }

    /// <summary>Non-UTF-8 values are listed as valueBase64 only.</summary>
    [Fact]
    public async Task List_BinaryValue_HasBase64ButNoTextValue()
    {
        await CreateNamespace("binary", 2);
        (await Http.PutAsync("/v1/kv/binary/blob", new ByteArrayContent([0xff, 0xfe, 0x00]))).Dispose();
        var page = await Http.GetFromJsonAsync<JsonElement>("/v1/kv/binary");
        var item = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal("//4A", item.GetProperty("valueBase64").GetString());
        Assert.False(item.TryGetProperty("value", out _));
    }

    [Fact]
    public async Task Locate_ReturnsTheShardThatHoldsTheKey()
    {
        await CreateNamespace("locate", 8);
        (await Http.PutAsync("/v1/kv/locate/some-key", new StringContent("v"))).Dispose();
        var location = await Http.GetFromJsonAsync<JsonElement>("/v1/namespaces/locate/locate?key=some-key");
        var shard = location.GetProperty("shard").GetInt32();
        var map = await Http.GetFromJsonAsync<JsonElement>("/v1/namespaces/locate/shards");
        var entry = map.GetProperty("items")[shard];
        Assert.Equal(1, entry.GetProperty("keys").GetInt64());
        Assert.Equal(entry.GetProperty("silo").GetString(), location.GetProperty("silo").GetString());
    }

    [Fact]
    public async Task DeleteNamespace_RemovesKeysAndRecreatedNamespaceStartsEmpty()
    {
        await CreateNamespace("ephemeral", 4);
        (await Http.PutAsync("/v1/kv/ephemeral/k", new StringContent("v"))).Dispose();
        using (var deleted = await Http.DeleteAsync("/v1/namespaces/ephemeral"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using (var gone = await Http.GetAsync("/v1/kv/ephemeral/k"))
        {
            await ProblemAssert.IsProblem(gone, HttpStatusCode.NotFound);
        }

        await CreateNamespace("ephemeral", 2);
        using var empty = await Http.GetAsync("/v1/kv/ephemeral/k");
        await ProblemAssert.IsProblem(empty, HttpStatusCode.NotFound);
        var settings = await Http.GetFromJsonAsync<JsonElement>("/v1/namespaces/ephemeral");
        Assert.Equal(2, settings.GetProperty("shards").GetInt32());
        Assert.Equal(2, settings.GetProperty("generation").GetInt64());
    }

    [Fact]
    public async Task ListNamespaces_IncludesDefaultAndCreatedOnes()
    {
        await CreateNamespace("listed-ns", 1);
        var page = await Http.GetFromJsonAsync<JsonElement>("/v1/namespaces?limit=1000");
        var names = page.GetProperty("items").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("default", names);
        Assert.Contains("listed-ns", names);
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
    }

    private async Task CreateNamespace(string ns, int shards)
    {
        using var response = await Http.PutAsJsonAsync($"/v1/namespaces/{ns}", new { shards, partitioning = "hash" });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

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

    private static byte[] ValueOf(int i) => Encoding.UTF8.GetBytes($"value-{i}-{new string('x', i % 100)}");
}
