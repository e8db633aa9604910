using Platform.Errors;
using Platform.Locks;
using static Platform.Client.Host.Locks.LeaseResults;

namespace Platform.Client.Host.Locks;

/// <summary>Routes under <c>/v1/semaphores</c>: counting semaphores with leases and fencing tokens.</summary>
public static class SemaphoresApi
{
    public static IEndpointRouteBuilder MapSemaphoresApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/semaphores").WithTags("Semaphores");
        group.MapPut("/{name}", SetPermits).WithName("PutSemaphore").WithSummary("Create a semaphore or change its permits.");
        group.MapPost("/{name}/acquire", Acquire).WithName("AcquireSemaphore")
            .WithSummary("Take count permits with a lease; waits up to waitMs in FIFO order; 409 names the holders.");
        group.MapPost("/{name}/renew", Renew).WithName("RenewSemaphore").WithSummary("Extend a held lease; 409 when it is already lost.");
        group.MapPost("/{name}/release", Release).WithName("ReleaseSemaphore").WithSummary("Release; 409 for a wrong owner or token.");
        group.MapGet("/{name}", Get).WithName("GetSemaphore").WithSummary("Permits, holders, tokens, expiries and queue length.");
        return app;
    }

    private static async Task<IResult> SetPermits(IGrainFactory grains, string name, SemaphorePermitsRequest body)
    {
        var permits = body.Permits ?? throw new PlatformValidationException("permits", "is required");
        return TypedResults.Ok(LeaseStatusResponse.From(await Grain(grains, LeaseKind.Semaphore, name).SetPermits(permits)));
    }

    private static async Task<IResult> Acquire(HttpContext context, IGrainFactory grains, string name, SemaphoreAcquireRequest body, CancellationToken ct)
    {
        var grain = Grain(grains, LeaseKind.Semaphore, name);
        var request = new LeaseRequest { Owner = body.Owner, Count = body.Count ?? 1, LeaseMs = body.LeaseMs, WaitMs = WaitMs(body.WaitMs), Mode = LeaseMode.Shared };
        var result = await grain.Acquire(request, ct);
        return await Answer(context, result, lease => LeaseResponse.From(lease, LeaseKind.Semaphore));
    }

    private static async Task<IResult> Renew(HttpContext context, IGrainFactory grains, string name, LeaseRenewRequest body)
    {
        var result = await Grain(grains, LeaseKind.Semaphore, name).Renew(RequiredText(body.Owner, "owner"), Required(body.Token, "token"), body.LeaseMs);
        return await Answer(context, result, lease => LeaseResponse.From(lease, LeaseKind.Semaphore));
    }

    private static async Task<IResult> Release(HttpContext context, IGrainFactory grains, string name, LeaseReleaseRequest body)
    {
        var result = await Grain(grains, LeaseKind.Semaphore, name).Release(RequiredText(body.Owner, "owner"), Required(body.Token, "token"));
        return await Answer(context, result, _ => null);
    }

    private static async Task<IResult> Get(IGrainFactory grains, string name) =>
        TypedResults.Ok(LeaseStatusResponse.From(await Grain(grains, LeaseKind.Semaphore, name).Get()));
}
