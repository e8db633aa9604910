using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Platform.Testing.Network;

namespace Platform.Tests.Sagas;

/// <summary>
/// A stub HTTP service for saga steps: records every call (path, idempotency key, body), counts effects once per
/// idempotency key, and fails a path a given number of times (or always) with 500.
/// </summary>
public sealed class StubService : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Path, string? Key, string Body)> _calls = new();
    private readonly ConcurrentDictionary<string, int> _effects = new(StringComparer.Ordinal);

    public StubService()
    {
        Port = FreePorts.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Base => $"http://127.0.0.1:{Port}";

    /// <summary>Every call in arrival order.</summary>
    public IReadOnlyList<(string Path, string? Key, string Body)> Calls => [.. _calls];

    /// <summary>Successful calls per idempotency key (a service deduplicating by key applies each once).</summary>
    public IReadOnlyDictionary<string, int> Effects => _effects;

    /// <summary>The next <paramref name="times"/> calls to <paramref name="path"/> answer 500 (int.MaxValue: always).</summary>
    public void Fail(string path, int times) => _failures[path] = times;

    public void Dispose() => _listener.Close();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var path = context.Request.Url!.AbsolutePath;
            var key = context.Request.Headers["Idempotency-Key"];
            _calls.Enqueue((path, key, body));
            var fail = false;
            _failures.AddOrUpdate(path, 0, (_, n) =>
            {
                fail = n > 0;
                return n == int.MaxValue ? n : Math.Max(0, n - 1);
            });
            if (!fail && key is not null)
            {
                _effects.AddOrUpdate(key, 1, (_, n) => n + 1);
            }

            context.Response.StatusCode = fail ? 500 : 200;
            context.Response.ContentType = "application/json";
            var answer = Encoding.UTF8.GetBytes($"{{\"ok\":{(fail ? "false" : "true")},\"id\":\"{path.Trim('/')}-1\"}}");
            await context.Response.OutputStream.WriteAsync(answer);
            context.Response.Close();
        }
    }
}
