using System.Net;
using System.Net.Http.Json;
using Platform.Tests.Infrastructure;
using static Platform.Tests.Locks.LockHttp;

namespace Platform.Tests.Locks;

/// <summary>A fenced delete keeps the key's fence record (in its tombstone): a lower token cannot re-create the key.</summary>
[Collection(ClusterCollection.Name)]
public sealed class FencedDeleteTests(ClusterFixture fixture)
{
    private HttpClient Http => fixture.Http;

    /// <summary>
    /// Token 2 writes and then deletes the key; the lock then forgets its counter (its state row lost) and grants token 1
    /// again. Token 1 must not re-create the key: the key has seen token 2, deleted or not.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FencedDelete_ThenLowerTokenOfTheSameLock_CannotRecreateTheKey(bool transactional)
    {
        var ns = $"fdel-{Guid.NewGuid():N}"[..16];
        using (var created = await Http.PutAsJsonAsync($"/v1/namespaces/{ns}", new { shards = 2, transactional }))
        {
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }

        var name = $"fdel.{Guid.NewGuid():N}"[..20];
        var url = $"/v1/kv/{ns}/fenced-then-deleted";
        var first = await Acquire(Http, name, "a");
        await Release(Http, name, "a", first);
        var second = await Acquire(Http, name, "b");
        Assert.Equal(2, second);
        using (var put = await FencedPut(url, "token 2", name, second))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        using (var delete = await Fenced(HttpMethod.Delete, url, null, name, second))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        await Release(Http, name, "b", second);
        fixture.LeaseStore.Remove(k => k.EndsWith("/lock/" + name, StringComparison.Ordinal));

        var reborn = await Acquire(Http, name, "c");
        Assert.Equal(1, reborn);
        using (var stale = await FencedPut(url, "token 1 re-creates", name, reborn))
        {
            var problem = await ProblemAssert.IsProblem(stale, HttpStatusCode.Conflict);
            Assert.Contains("token 2", problem.GetProperty("detail").GetString());
        }

        using (var get = await Http.GetAsync(url))
        {
            await ProblemAssert.IsProblem(get, HttpStatusCode.NotFound);
        }

        // An unfenced write may still re-create the key; the tombstone's fence record carries over to it.
        using (var plain = await Http.PutAsync(url, new StringContent("unfenced")))
        {
            Assert.Equal(HttpStatusCode.Created, plain.StatusCode);
        }

        using (var staleAgain = await FencedPut(url, "token 1 overwrites", name, reborn))
        {
            await ProblemAssert.IsProblem(staleAgain, HttpStatusCode.Conflict);
        }

        Assert.Equal("unfenced", await Http.GetStringAsync(url));
        await Release(Http, name, "c", reborn);
    }

    private Task<HttpResponseMessage> FencedPut(string url, string body, string lockName, long token) =>
        Fenced(HttpMethod.Put, url, body, lockName, token);

    private async Task<HttpResponseMessage> Fenced(HttpMethod method, string url, string? body, string lockName, long token)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new StringContent(body);
        }

        request.Headers.TryAddWithoutValidation("Platform-Fence", $"{lockName}:{token}");
        return await Http.SendAsync(request);
    }
}
