using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Platform.Testing.Network;

namespace Platform.Tests.Caches;

/// <summary>
/// A real HTTP source on Kestrel (loopback, a free port): <c>GET</c>/<c>PUT</c>/<c>DELETE /items/{key}</c> on an
/// in-memory map with content types, every request counted; reads can be held (a slow source) and writes failed (500).
/// </summary>
public sealed class HttpSourceStub : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HttpSourceStub(WebApplication app, int port)
    {
        _app = app;
        Template = $"http://127.0.0.1:{port}/items/{{key}}";
    }

    /// <summary>The cache's <c>source.http</c>.</summary>
    public string Template { get; }

    public ConcurrentDictionary<string, (byte[] Value, string? ContentType)> Items { get; } = new(StringComparer.Ordinal);

    /// <summary>Requests per method and key, e.g. <c>GET a/b</c>.</summary>
    public ConcurrentDictionary<string, int> Requests { get; } = new(StringComparer.Ordinal);

    /// <summary>When set, GETs wait for it (after reading the value) before they answer.</summary>
    public TaskCompletionSource? HoldReads { get; set; }

    /// <summary>When true, PUTs answer 500 and store nothing.</summary>
    public bool FailWrites { get; set; }

    public int CountOf(string method, string key) => Requests.GetValueOrDefault($"{method} {key}");

    public static async Task<HttpSourceStub> StartAsync()
    {
        var port = FreePorts.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var stub = new HttpSourceStub(app, port);
        app.MapGet("/items/{**key}", stub.GetAsync);
        app.MapPut("/items/{**key}", stub.PutAsync);
        app.MapDelete("/items/{**key}", (string key) => stub.Count("DELETE", Key(key)) && stub.Items.TryRemove(Key(key), out _) ? Results.NoContent() : Results.NotFound());
        await app.StartAsync();
        return stub;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>Routing keeps <c>%2F</c> escaped in a catch-all value; the key is the fully unescaped one.</summary>
    private static string Key(string routeValue) => Uri.UnescapeDataString(routeValue);

    private bool Count(string method, string key)
    {
        Requests.AddOrUpdate($"{method} {key}", 1, (_, n) => n + 1);
        return true;
    }

    private async Task<IResult> GetAsync(string key)
    {
        key = Key(key);
        Count("GET", key);
        var found = Items.TryGetValue(key, out var item);
        if (HoldReads is { } hold)
        {
            await hold.Task;
        }

        return found ? Results.Bytes(item.Value, item.ContentType ?? "application/octet-stream") : Results.NotFound();
    }

    private async Task<IResult> PutAsync(string key, HttpRequest request)
    {
        key = Key(key);
        Count("PUT", key);
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        if (FailWrites)
        {
            return Results.StatusCode(500);
        }

        Items[key] = (body.ToArray(), request.ContentType);
        return Results.NoContent();
    }
}
