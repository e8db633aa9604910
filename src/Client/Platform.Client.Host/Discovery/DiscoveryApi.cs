using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Platform.Client.Host.Api;
using Platform.Discovery;
using Platform.Errors;

namespace Platform.Client.Host.Discovery;

/// <summary>
/// Routes under <c>/v1/services</c>: registrations with owner tokens and TTL leases, health, blocking queries and
/// SSE watches resumable from an index, resolve by strategy, and outcome reports. Every handler calls the typed
/// client (<see cref="IServiceDiscovery"/>).
/// </summary>
public static class DiscoveryApi
{
    public const string OwnerHeader = "Platform-Owner-Token";
    public const string AdminHeader = "Platform-Admin-Token";
    public const string IndexHeader = "Platform-Index";
    public const string LastEventIdHeader = "Last-Event-ID";

    public static IEndpointRouteBuilder MapDiscoveryApi(this IEndpointRouteBuilder v1)
    {
        var group = v1.MapGroup("/services").WithTags("Discovery");
        group.MapGet("", List).WithName("ListServices").WithSummary("Services with instances, in name order, paged.").ProducesProblems(400);
        group.MapGet("/{service}", Get).WithName("GetService")
            .WithSummary("Instances with health, last check and why; with index (and waitMs) a blocking query answering the changes after index.")
            .ProducesProblems(400);
        group.MapGet("/{service}/watch", Watch).WithName("WatchService")
            .WithSummary("Server-Sent Events: a snapshot (unless index or Last-Event-ID is given), then one 'change' per change in index order; the event id is the index.")
            .ProducesProblems(400);
        group.MapPut("/{service}/instances/{id}", Register).WithName("RegisterInstance")
            .WithSummary("Register or update an instance (Platform-Owner-Token protects it); a TTL registration is a lease renewed by heartbeats.")
            .ProducesProblems(400, 409, 415);
        group.MapPost("/{service}/instances/{id}/heartbeat", Heartbeat).WithName("HeartbeatInstance")
            .WithSummary("Renew a TTL registration's lease; 404 once it ran out, 409 for another owner.")
            .ProducesProblems(400, 404, 409);
        group.MapDelete("/{service}/instances/{id}", Deregister).WithName("DeregisterInstance")
            .WithSummary("Deregister; 409 for another owner.")
            .ProducesProblems(400, 404, 409);
        group.MapPost("/{service}/instances/{id}/report", Report).WithName("ReportOutcome")
            .WithSummary("A caller's outcome (success, latencyMs): passive outlier ejection, latency EWMA, open picks.")
            .ProducesProblems(400, 404, 415);
        group.MapGet("/{service}/resolve", Resolve).WithName("ResolveService")
            .WithSummary("One healthy instance by strategy (round-robin, weighted, least-connections, least-response-time, consistent-hash with key, power-of-two, zone) and zone; 404 when none is healthy.")
            .ProducesProblems(400, 404);
        return v1;
    }

    private static async Task<Ok<ServiceListResponse>> List(IServiceDiscovery discovery, int? limit, string? continuationToken, CancellationToken ct)
    {
        var (names, next) = await discovery.ListAsync(limit, continuationToken, ct);
        return TypedResults.Ok(new ServiceListResponse(names, next));
    }

    private static async Task<Ok<ServiceResponse>> Get(HttpContext context, IServiceDiscovery discovery, string service, long? index, int? waitMs, CancellationToken ct)
    {
        var view = await discovery.GetAsync(service, index, waitMs, ct);
        context.Response.Headers[IndexHeader] = view.Index.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Ok(ServiceResponse.From(view));
    }

    // The typed client checks the name and index now, so a bad one is a 400 before the event stream starts.
    private static ServerSentEventsResult<object> Watch(
        IServiceDiscovery discovery, string service, long? index, [FromHeader(Name = LastEventIdHeader)] string? lastEventId, CancellationToken ct)
    {
        var after = index;
        if (lastEventId is not null)
        {
            if (!long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out var resumed))
            {
                throw new PlatformValidationException(LastEventIdHeader, "must be an index this watch sent as an event id (a non-negative integer)");
            }

            after ??= resumed;
        }

        return TypedResults.ServerSentEvents(Events(discovery.WatchAsync(service, after, ct), ct));
    }

    private static async IAsyncEnumerable<SseItem<object>> Events(IAsyncEnumerable<ServiceWatchEvent> events, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in events.WithCancellation(ct))
        {
            var id = e.Index.ToString(CultureInfo.InvariantCulture);
            yield return e.Snapshot is { } snapshot
                ? new SseItem<object>(ServiceResponse.From(snapshot), "snapshot") { EventId = id }
                : new SseItem<object>(ChangeResponse.From(e.Change!), "change") { EventId = id };
        }
    }

    private static async Task<Results<Created<InstanceResponse>, Ok<InstanceResponse>>> Register(
        IServiceDiscovery discovery, IOptions<DiscoveryOptions> options, string service, string id, InstanceRequest body,
        [FromHeader(Name = OwnerHeader)] string? owner, [FromHeader(Name = AdminHeader)] string? admin, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        var registration = new ServiceRegistration
        {
            Address = body.Address ?? throw new PlatformValidationException("address", "is required"),
            Port = body.Port ?? throw new PlatformValidationException("port", "is required"),
            Scheme = body.Scheme ?? "http",
            Metadata = body.Metadata ?? [],
            Tags = body.Tags ?? [],
            Weight = body.Weight ?? 1,
            Zone = body.Zone,
            TtlMs = body.TtlMs,
            PhiThreshold = body.PhiThreshold,
            Check = body.Check is { } c
                ? new HealthCheckSpec
                {
                    Http = c.Http,
                    Tcp = c.Tcp ?? false,
                    IntervalMs = c.IntervalMs ?? 10_000,
                    TimeoutMs = c.TimeoutMs ?? 2_000,
                    Rise = c.Rise ?? 2,
                    Fall = c.Fall ?? 3,
                    DeregisterAfterMs = c.DeregisterAfterMs,
                }
                : null,
        };
        var (instance, created) = await discovery.RegisterAsync(service, id, registration, owner, IsAdmin(admin, options.Value), ct);
        var response = InstanceResponse.From(instance);
        return created
            ? TypedResults.Created($"/v1/services/{Uri.EscapeDataString(service)}/instances/{Uri.EscapeDataString(id)}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Ok<HeartbeatResponse>> Heartbeat(
        IServiceDiscovery discovery, IOptions<DiscoveryOptions> options, string service, string id,
        [FromHeader(Name = OwnerHeader)] string? owner, [FromHeader(Name = AdminHeader)] string? admin, CancellationToken ct)
    {
        var instance = await discovery.HeartbeatAsync(service, id, owner, IsAdmin(admin, options.Value), ct);
        return TypedResults.Ok(new HeartbeatResponse(instance.Id, instance.ExpiresAt));
    }

    private static async Task<NoContent> Deregister(
        IServiceDiscovery discovery, IOptions<DiscoveryOptions> options, string service, string id,
        [FromHeader(Name = OwnerHeader)] string? owner, [FromHeader(Name = AdminHeader)] string? admin, CancellationToken ct)
    {
        await discovery.DeregisterAsync(service, id, owner, IsAdmin(admin, options.Value), ct);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> Report(IServiceDiscovery discovery, string service, string id, OutcomeRequest body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        var outcome = new OutcomeReport
        {
            Success = body.Success ?? throw new PlatformValidationException("success", "is required"),
            LatencyMs = body.LatencyMs,
            ClosesPick = body.ClosesPick ?? true,
        };
        await discovery.ReportAsync(service, id, outcome, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<ResolveResponse>> Resolve(IServiceDiscovery discovery, string service, string? strategy, string? key, string? zone, CancellationToken ct)
    {
        var request = new ResolveRequest { Strategy = DiscoveryRules.ParseStrategy(strategy), Key = key, Zone = zone };
        return TypedResults.Ok(ResolveResponse.From(await discovery.ResolveAsync(service, request, ct)));
    }

    /// <summary>An admin token, when sent, must be the configured one; a wrong one is refused rather than ignored.</summary>
    private static bool IsAdmin(string? token, DiscoveryOptions options)
    {
        if (token is null)
        {
            return false;
        }

        var expected = options.AdminToken;
        if (string.IsNullOrEmpty(expected) || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(expected)))
        {
            throw new PlatformValidationException(AdminHeader, $"does not match {DiscoveryOptions.SectionName}:AdminToken");
        }

        return true;
    }
}
