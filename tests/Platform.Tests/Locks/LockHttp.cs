using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Locks;

/// <summary>Small helpers over the lock, semaphore and election routes.</summary>
internal static class LockHttp
{
    public static async Task<HttpResponseMessage> Post(HttpClient http, string url, object body, CancellationToken ct = default) =>
        await http.PostAsJsonAsync(url, body, ct);

    /// <summary>POSTs and expects 200; returns the body.</summary>
    public static async Task<JsonElement> PostOk(HttpClient http, string url, object body, CancellationToken ct = default)
    {
        using var response = await Post(http, url, body, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST {url}: expected 200, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> PostConflict(HttpClient http, string url, object body)
    {
        using var response = await Post(http, url, body);
        return (await ProblemAssert.IsProblem(response, HttpStatusCode.Conflict)).Clone();
    }

    public static async Task<long> Acquire(HttpClient http, string name, string owner, int leaseMs = 10_000, int waitMs = 0, string mode = "exclusive", CancellationToken ct = default) =>
        (await PostOk(http, $"/v1/locks/{name}/acquire", new { owner, leaseMs, waitMs, mode }, ct)).GetProperty("token").GetInt64();

    public static async Task Release(HttpClient http, string name, string owner, long token)
    {
        using var response = await Post(http, $"/v1/locks/{name}/release", new { owner, token });
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"release {name}/{owner}/{token}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public static async Task<JsonElement> Status(HttpClient http, string url) =>
        (await http.GetFromJsonAsync<JsonElement>(url)).Clone();

    /// <summary>Polls a lock's status until <paramref name="condition"/> holds (generous timeout; the box is shared).</summary>
    public static async Task<JsonElement> WaitForStatus(HttpClient http, string url, Func<JsonElement, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var status = await Status(http, url);
            if (condition(status))
            {
                return status;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}; last status {status}");
            await Task.Delay(20);
        }
    }

    public static int QueueLength(JsonElement status) => status.GetProperty("queueLength").GetInt32();

    public static IReadOnlyList<(string Owner, long Token)> Holders(JsonElement status) =>
        [.. status.GetProperty("holders").EnumerateArray().Select(h => (h.GetProperty("owner").GetString()!, h.GetProperty("token").GetInt64()))];
}
