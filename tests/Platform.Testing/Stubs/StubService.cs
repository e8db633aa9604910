using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Platform.Testing.Network;

namespace Platform.Testing.Stubs;

/// <summary>
/// A stub HTTP service for saga steps, as a real service deduplicating by <c>Idempotency-Key</c> would be: the first
/// successful call with a key applies its effect (<see cref="Applied"/>, in order) and later calls with that key are
/// absorbed (answered the same, applied nothing). It records every call, fails a path a given number of times (or
/// always) with 500, and can hold one call at a chosen point (<see cref="Hold"/>) so a test can crash the caller
/// there.
/// </summary>
public sealed class StubService : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<StubCall> _calls = new();
    private readonly ConcurrentDictionary<string, int> _effects = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _applied = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<StubCall> _appliedOrder = new();
    private readonly Lock _gate = new();
    private StubHold? _hold;

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
    public IReadOnlyList<StubCall> Calls => [.. _calls];

    /// <summary>Successful calls per idempotency key, duplicates included.</summary>
    public IReadOnlyDictionary<string, int> Effects => _effects;

    /// <summary>The effects applied, once per idempotency key, in the order they were applied.</summary>
    public IReadOnlyList<StubCall> Applied => [.. _appliedOrder];

    /// <summary>The next <paramref name="times"/> calls to <paramref name="path"/> answer 500 (int.MaxValue: always).</summary>
    public void Fail(string path, int times) => _failures[path] = times;

    /// <summary>
    /// Holds the next call to <paramref name="path"/> at <paramref name="point"/> (before its effect is applied, or
    /// after it and before the answer) until <see cref="StubHold.Release"/>; a released call is dropped without an
    /// answer. One hold at a time.
    /// </summary>
    public StubHold Hold(string path, StubHoldPoint point)
    {
        var hold = new StubHold(path, point);
        lock (_gate)
        {
            _hold = hold;
        }

        return hold;
    }

    public void Dispose() => _listener.Close();

    private StubHold? TakeHold(string path)
    {
        lock (_gate)
        {
            if (_hold is { } hold && hold.Path == path)
            {
                _hold = null;
                return hold;
            }

            return null;
        }
    }

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

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        try
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var path = context.Request.Url!.AbsolutePath;
            var key = context.Request.Headers["Idempotency-Key"];
            var call = new StubCall(path, key, body);
            _calls.Enqueue(call);
            var hold = TakeHold(path);
            if (hold is { Point: StubHoldPoint.BeforeApply })
            {
                await hold.HoldAsync(call);
                context.Response.Abort();
                return;
            }

            var fail = false;
            _failures.AddOrUpdate(path, 0, (_, n) =>
            {
                fail = n > 0;
                return n == int.MaxValue ? n : Math.Max(0, n - 1);
            });
            var answer = $"{{\"ok\":{(fail ? "false" : "true")},\"id\":\"{path.Trim('/')}-1\"}}";
            if (!fail && key is not null)
            {
                _effects.AddOrUpdate(key, 1, (_, n) => n + 1);
                if (_applied.TryAdd(key, answer))
                {
                    _appliedOrder.Enqueue(call);
                }
                else
                {
                    answer = _applied[key];
                }
            }

            if (hold is { Point: StubHoldPoint.AfterApply })
            {
                await hold.HoldAsync(call);
                context.Response.Abort();
                return;
            }

            context.Response.StatusCode = fail ? 500 : 200;
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(answer));
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException or IOException)
        {
            // The caller went away (or the stub stopped).
        }
    }
}
