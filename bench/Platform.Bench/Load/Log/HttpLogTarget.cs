using System.Globalization;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Platform.Bench.Load.Log;

/// <summary>The platform's event log over its HTTP API (pooled HTTP/1.1 keep-alive connections).</summary>
internal sealed class HttpLogTarget : ILogTarget
{
    private readonly HttpClient _http;

    public HttpLogTarget(Uri url, int concurrency)
    {
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency + 4, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = url,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public string Name => "log-http";

    public async Task PrepareAsync(string topic, int partitions, CancellationToken cancellationToken)
    {
        (await _http.DeleteAsync(new Uri($"/v1/topics/{topic}", UriKind.Relative), cancellationToken)).Dispose();
        using var created = await _http.PutAsJsonAsync($"/v1/topics/{topic}", new { partitions }, cancellationToken);
        created.EnsureSuccessStatusCode();
    }

    public async Task ProduceAsync(string topic, string key, IReadOnlyList<byte[]> values, CancellationToken cancellationToken)
    {
        var body = new StringBuilder("{\"records\":[");
        for (var i = 0; i < values.Count; i++)
        {
            body.Append(i == 0 ? "" : ",").Append("{\"key\":\"").Append(key).Append("\",\"valueBase64\":\"").Append(Convert.ToBase64String(values[i])).Append("\"}");
        }

        body.Append("]}");
        using var content = new StringContent(body.ToString(), Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri($"/v1/topics/{topic}/records", UriKind.Relative), content, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public async IAsyncEnumerable<byte[]> ConsumeAsync(string topic, string group, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using (var joined = await _http.PostAsJsonAsync($"/v1/groups/{group}/members?waitMs=5000", new { topics = new[] { topic } }, cancellationToken))
        {
            joined.EnsureSuccessStatusCode();
        }

        var query = "seek=latest";
        while (!cancellationToken.IsCancellationRequested)
        {
            using var response = await _http.GetAsync(new Uri($"/v1/topics/{topic}/partitions/0/records?{query}&waitMs=5000&limit=1000", UriKind.Relative), cancellationToken);
            response.EnsureSuccessStatusCode();
            using var page = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            foreach (var item in page.RootElement.GetProperty("items").EnumerateArray())
            {
                yield return Convert.FromBase64String(item.GetProperty("valueBase64").GetString()!);
            }

            query = "offset=" + page.RootElement.GetProperty("nextOffset").GetInt64().ToString(CultureInfo.InvariantCulture);
        }
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
