using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Platform.KeyValue;
using Platform.KeyValue.Storage;
using Platform.Sharding;
using Platform.Tests.Infrastructure;
using static Platform.Tests.Locks.LockHttp;

namespace Platform.Tests.Locks;

/// <summary>
/// A key's fence record (one entry per lock that fenced a write of it) is bounded by
/// <c>Platform:KeyValue:MaxFencesPerKey</c>: entries whose lock has granted a later token are pruned to make room,
/// and a new lock is refused (409) only while every entry's lock is still at the token the key saw.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class FenceRecordBoundTests(ClusterFixture fixture)
{
    private static readonly int Bound = new KeyValueOptions().MaxFencesPerKey;

    private HttpClient Http => fixture.Http;

    /// <summary>
    /// Three times the bound of locks each fence one write of the same key and then move on (a later token is granted).
    /// Every write is accepted and the stored record never holds more than the bound.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FencedWrites_FromManyLocksThatMovedOn_AreAcceptedAndTheRecordStaysBounded(bool transactional)
    {
        var ns = await CreateNamespace(transactional);
        var url = $"/v1/kv/{ns}/many-locks";
        var prefix = Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 3 * Bound; i++)
        {
            var name = $"bound.{prefix}.{i}";
            var token = await Acquire(Http, name, "writer");
            using (var put = await FencedPut(url, $"by lock {i}", name, token))
            {
                Assert.True(put.IsSuccessStatusCode, $"write {i}: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
            }

            await Release(Http, name, "writer", token);

            // The lock moves on: a later holder is granted a higher token (and writes elsewhere, or not at all).
            await Release(Http, name, "next", await Acquire(Http, name, "next"));
        }

        Assert.Equal($"by lock {3 * Bound - 1}", await Http.GetStringAsync(url));
        if (!transactional)
        {
            var fences = (await StoredEntry(ns, "many-locks")).Fences;
            Assert.NotNull(fences);
            Assert.InRange(fences.Count, 1, Bound);
            Assert.Equal(1, fences[$"bound.{prefix}.{3 * Bound - 1}"]);
        }
    }

    /// <summary>
    /// With the record full of locks that have not moved on, a fenced write naming one more lock is refused with 409
    /// naming the bound; unfenced writes and writes fenced by a lock already in the record still succeed.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FencedWrite_WithOneLockMoreThanTheBoundStillCurrent_IsRefusedAndTheKeyStaysWritable(bool transactional)
    {
        var ns = await CreateNamespace(transactional);
        var url = $"/v1/kv/{ns}/full-record";
        var prefix = Guid.NewGuid().ToString("N")[..8];
        var tokens = new List<(string Name, long Token)>();
        for (var i = 0; i < Bound; i++)
        {
            var name = $"full.{prefix}.{i}";
            var token = await Acquire(Http, name, "holder", leaseMs: 60_000);
            tokens.Add((name, token));
            using var put = await FencedPut(url, $"by lock {i}", name, token);
            Assert.True(put.IsSuccessStatusCode, $"write {i}: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
        }

        var extra = $"full.{prefix}.extra";
        var extraToken = await Acquire(Http, extra, "holder");
        using (var refused = await FencedPut(url, "one lock too many", extra, extraToken))
        {
            var problem = await ProblemAssert.IsProblem(refused, HttpStatusCode.Conflict);
            Assert.Contains("MaxFencesPerKey", problem.GetProperty("detail").GetString());
        }

        using (var plain = await Http.PutAsync(url, new StringContent("unfenced")))
        {
            Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        }

        using (var known = await FencedPut(url, "known lock", tokens[0].Name, tokens[0].Token))
        {
            Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        }

        // Once one of the recorded locks moves on, its entry is pruned and the new lock fits.
        await Release(Http, tokens[1].Name, "holder", tokens[1].Token);
        await Release(Http, tokens[1].Name, "next", await Acquire(Http, tokens[1].Name, "next"));
        using (var fits = await FencedPut(url, "extra lock fits", extra, extraToken))
        {
            Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
        }

        Assert.Equal("extra lock fits", await Http.GetStringAsync(url));
        await Release(Http, extra, "holder", extraToken);
        foreach (var (name, token) in tokens.Where((_, i) => i != 1))
        {
            await Release(Http, name, "holder", token);
        }
    }

    private async Task<KeyValueEntry> StoredEntry(string ns, string key)
    {
        var location = await Http.GetFromJsonAsync<JsonElement>($"/v1/namespaces/{ns}/locate?key={key}");
        var storage = Assert.IsType<InProcessSiloHandle>(fixture.Cluster.Primary).SiloHost.Services.GetRequiredService<IShardStorage>();
        var stored = await storage.ReadAsync(ShardId.Parse(location.GetProperty("grain").GetString()!), key);
        Assert.NotNull(stored);
        return stored.Entry;
    }

    private async Task<string> CreateNamespace(bool transactional)
    {
        var ns = $"fbound-{Guid.NewGuid():N}"[..16];
        using var response = await Http.PutAsJsonAsync($"/v1/namespaces/{ns}", new { shards = 2, transactional });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return ns;
    }

    private async Task<HttpResponseMessage> FencedPut(string url, string body, string lockName, long token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new StringContent(body) };
        request.Headers.TryAddWithoutValidation("Platform-Fence", $"{lockName}:{token}");
        return await Http.SendAsync(request);
    }
}
