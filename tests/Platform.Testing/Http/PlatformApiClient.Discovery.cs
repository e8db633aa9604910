using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Platform.Testing.Http;

/// <summary>Service discovery routes (<c>/v1/services</c>); answers are read as JSON by the caller (<see cref="ApiResponse.Text"/>).</summary>
public sealed partial class PlatformApiClient
{
    public const string OwnerTokenHeader = "Platform-Owner-Token";

    /// <summary><c>PUT /v1/services/{service}/instances/{id}</c> with a JSON registration (an object or its text) and an optional owner token.</summary>
    public Task<ApiResponse> RegisterInstanceAsync(string service, string id, object registration, string? owner = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, ServicePath(service, "instances", id), Json(registration), Owner(owner), cancellationToken);

    public Task<ApiResponse> HeartbeatInstanceAsync(string service, string id, string? owner = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, ServicePath(service, "instances", id) + "/heartbeat", null, Owner(owner), cancellationToken);

    public Task<ApiResponse> DeregisterInstanceAsync(string service, string id, string? owner = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, ServicePath(service, "instances", id), null, Owner(owner), cancellationToken);

    /// <summary><c>GET /v1/services/{service}</c>; with <paramref name="index"/> a blocking query of up to <paramref name="waitMs"/>.</summary>
    public Task<ApiResponse> GetServiceAsync(string service, long? index = null, int? waitMs = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        if (index is { } i)
        {
            query.Add("index=" + i.ToString(CultureInfo.InvariantCulture));
        }

        if (waitMs is { } w)
        {
            query.Add("waitMs=" + w.ToString(CultureInfo.InvariantCulture));
        }

        return GetAsync(ServicePath(service) + (query.Count > 0 ? "?" + string.Join('&', query) : ""), cancellationToken);
    }

    /// <summary><c>GET /v1/services/{service}/resolve</c>.</summary>
    public Task<ApiResponse> ResolveAsync(string service, string? strategy = null, string? key = null, string? zone = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        foreach (var (name, value) in new[] { ("strategy", strategy), ("key", key), ("zone", zone) })
        {
            if (value is not null)
            {
                query.Add(name + "=" + Uri.EscapeDataString(value));
            }
        }

        return GetAsync(ServicePath(service) + "/resolve" + (query.Count > 0 ? "?" + string.Join('&', query) : ""), cancellationToken);
    }

    /// <summary><c>POST .../report</c>: one outcome against an instance.</summary>
    public Task<ApiResponse> ReportOutcomeAsync(string service, string id, bool success, double? latencyMs = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, ServicePath(service, "instances", id) + "/report", Json(new { success, latencyMs }), null, cancellationToken);

    /// <summary>
    /// <c>GET /v1/services/{service}/watch</c> as Server-Sent Events: (event, id, data) for each event. With neither
    /// <paramref name="index"/> nor <paramref name="lastEventId"/> the first event is a snapshot.
    /// </summary>
    public async IAsyncEnumerable<(string Event, long Id, JsonElement Data)> WatchServiceAsync(
        string service, long? index = null, long? lastEventId = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var path = ServicePath(service) + "/watch" + (index is { } i ? "?index=" + i.ToString(CultureInfo.InvariantCulture) : "");
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (lastEventId is { } last)
        {
            request.Headers.Add("Last-Event-ID", last.ToString(CultureInfo.InvariantCulture));
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var type = response.Content.Headers.ContentType?.MediaType;
        if (response.StatusCode != HttpStatusCode.OK || type != "text/event-stream")
        {
            throw new PlatformApiException($"GET {path}: expected a 200 text/event-stream, got {(int)response.StatusCode} {type}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        using var body = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        string? name = null;
        string? data = null;
        long id = 0;
        while (await ReadLineOrEndAsync(body, cancellationToken) is { } line)
        {
            if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                name = line[6..].Trim();
            }
            else if (line.StartsWith("id:", StringComparison.Ordinal))
            {
                id = long.Parse(line[3..].Trim(), CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data = line[5..].Trim();
            }
            else if (line.Length == 0 && data is not null)
            {
                // An event ends at a blank line (its fields come in any order).
                yield return (name ?? "message", id, JsonDocument.Parse(data).RootElement.Clone());
                (name, data) = (null, null);
            }
        }
    }

    private static Action<HttpRequestMessage>? Owner(string? owner) => owner is null ? null : r => r.Headers.Add(OwnerTokenHeader, owner);

    private static string ServicePath(string service, string? sub = null, string? id = null) =>
        "/v1/services/" + Escape(service) + (sub is null ? "" : "/" + sub + "/" + Escape(id!));
}
