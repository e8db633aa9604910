using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Platform.Configuration;
using Platform.Errors;

namespace Platform.Client.Host.Observability;

/// <summary>
/// The operator console: <c>/console</c> (a page whose assets ship inside this assembly, nothing from a CDN),
/// <c>/console/snapshot</c> (one JSON snapshot, <see cref="ConsoleSnapshots"/>) and <c>/console/stream</c> (the
/// same as Server-Sent Events every <see cref="ObservabilityOptions.ConsoleRefreshMs"/>). Operator pages, not API
/// routes: left out of the API document, as <c>/metrics</c> is.
/// </summary>
public static class ObservabilityApi
{
    private static readonly Dictionary<string, string> Assets = new(StringComparer.Ordinal)
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["console.js"] = "text/javascript; charset=utf-8",
        ["console.css"] = "text/css; charset=utf-8",
    };

    /// <summary>The console's services and options (<c>Platform:Observability</c>).</summary>
    public static IServiceCollection AddObservability(this IServiceCollection services)
    {
        services.AddPlatformOptions<ObservabilityOptions>(ObservabilityOptions.SectionName);
        services.AddSingleton<ConsoleSnapshots>();
        services.AddSingleton<MembershipEventLog>();
        services.AddHostedService<MembershipWatcher>();
        return services;
    }

    /// <summary>Maps the console's page, assets, snapshot and stream.</summary>
    public static IEndpointRouteBuilder MapObservabilityApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/console", Page).ExcludeFromDescription();
        app.MapGet("/console/{asset}", Asset).ExcludeFromDescription();
        app.MapGet("/console/snapshot", Snapshot).ExcludeFromDescription();
        app.MapGet("/console/stream", Stream).ExcludeFromDescription();
        return app;
    }

    private static Results<FileStreamHttpResult, NotFound> Page() => Asset("index.html");

    private static Results<FileStreamHttpResult, NotFound> Asset(string asset) =>
        Assets.TryGetValue(asset, out var type)
        && typeof(ObservabilityApi).Assembly.GetManifestResourceStream($"Platform.Client.Host.Observability.Console.{asset}") is { } stream
            ? TypedResults.Stream(stream, type)
            : TypedResults.NotFound();

    private static async Task<Ok<JsonObject>> Snapshot(ConsoleSnapshots snapshots, CancellationToken ct) =>
        TypedResults.Ok(await snapshots.TakeAsync(ct));

    // count: snapshots before the stream ends (absent: until the client leaves); each event carries the refresh as
    // the reconnection interval, so a browser's EventSource that reads one per connection polls at that pace.
    private static ServerSentEventsResult<string> Stream(
        ConsoleSnapshots snapshots, IOptions<ObservabilityOptions> options, int? count, CancellationToken ct) =>
        count is < 1
            ? throw new PlatformValidationException("count", $"must be at least 1 (got {count})")
            : TypedResults.ServerSentEvents(Snapshots(snapshots, TimeSpan.FromMilliseconds(options.Value.ConsoleRefreshMs), count ?? int.MaxValue, ct));

    private static async IAsyncEnumerable<SseItem<string>> Snapshots(ConsoleSnapshots snapshots, TimeSpan every, int count, [EnumeratorCancellation] CancellationToken ct)
    {
        using var timer = new PeriodicTimer(every);
        for (var sent = 0; sent < count; sent++)
        {
            if (sent > 0 && !await timer.WaitForNextTickAsync(ct))
            {
                yield break;
            }

            var snapshot = await snapshots.TakeAsync(ct);
            yield return new SseItem<string>(snapshot.ToJsonString(), "snapshot") { ReconnectionInterval = every };
        }
    }
}
