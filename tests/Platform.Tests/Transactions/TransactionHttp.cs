using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.Tests.Transactions;

/// <summary>Small helpers for the transaction API over HTTP.</summary>
internal static class TransactionHttp
{
    /// <summary>Creates a fresh transactional namespace with a few shards and returns its name.</summary>
    public static async Task<string> CreateTransactionalNamespace(HttpClient http, int shards = 4, bool transactional = true)
    {
        var ns = $"txn-{Guid.NewGuid():N}"[..16];
        var response = await http.PutAsJsonAsync($"/v1/namespaces/{ns}", new { shards, transactional });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return ns;
    }

    public static Task<HttpResponseMessage> Post(HttpClient http, object body) =>
        http.PostAsync("/v1/txn", new StringContent(body is string text ? text : JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json"));

    public static async Task<JsonNode> Ok(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    /// <summary>The key's text value and version, or null when it does not exist (plain single-key GET).</summary>
    public static async Task<(string Value, long Version)?> Get(HttpClient http, string ns, string key)
    {
        var response = await http.GetAsync($"/v1/kv/{ns}/{Uri.EscapeDataString(key)}");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var etag = response.Headers.ETag!.Tag.Trim('"');
        return (await response.Content.ReadAsStringAsync(), long.Parse(etag, System.Globalization.CultureInfo.InvariantCulture));
    }

    public static async Task Put(HttpClient http, string ns, string key, string value)
    {
        var response = await http.PutAsync($"/v1/kv/{ns}/{Uri.EscapeDataString(key)}", new StringContent(value));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
