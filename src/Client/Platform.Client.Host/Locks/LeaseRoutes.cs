using Platform.Client.Host.Api;
using Platform.Locks;
using static Platform.Client.Host.Api.RequestFields;

namespace Platform.Client.Host.Locks;

/// <summary>The routes locks and semaphores share: renew, release and status, over <see cref="ILeases"/>.</summary>
internal static class LeaseRoutes
{
    /// <summary>Maps renew, release and status under <paramref name="group"/>; <paramref name="noun"/> names the operations (RenewLock, ...).</summary>
    public static RouteGroupBuilder MapLeaseRoutes<TLeases>(this RouteGroupBuilder group, LeaseKind kind, string noun, string statusSummary)
        where TLeases : ILeases
    {
        group.MapPost("/{name}/renew", async (HttpContext context, string name, LeaseRenewRequest body, CancellationToken ct) =>
                TypedResults.Ok(LeaseResponse.From(await Leases(context).RenewLeaseAsync(name, body.Owner ?? "", Required(body.Token, "token"), body.LeaseMs, ct), kind)))
            .WithName($"Renew{noun}").WithSummary("Extend a held lease; 409 when it is already lost.")
            .ProducesProblems(400, 409, 415);
        group.MapPost("/{name}/release", async (HttpContext context, string name, LeaseReleaseRequest body, CancellationToken ct) =>
            {
                await Leases(context).ReleaseLeaseAsync(name, body.Owner ?? "", Required(body.Token, "token"), ct);
                return TypedResults.NoContent();
            })
            .WithName($"Release{noun}").WithSummary("Release; 409 for a wrong owner or token.")
            .ProducesProblems(400, 409, 415);
        group.MapGet("/{name}", async (HttpContext context, string name, CancellationToken ct) =>
                TypedResults.Ok(LeaseStatusResponse.From(await Leases(context).GetAsync(name, ct))))
            .WithName($"Get{noun}").WithSummary(statusSummary)
            .ProducesProblems(400);
        return group;

        // The block's typed client (ILocks or ISemaphores): a type parameter in a handler's own signature trips the route analyzer.
        static TLeases Leases(HttpContext context) => context.RequestServices.GetRequiredService<TLeases>();
    }
}
