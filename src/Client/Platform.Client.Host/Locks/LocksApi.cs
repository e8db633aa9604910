using Platform.Locks;
using static Platform.Client.Host.Locks.LeaseResults;

namespace Platform.Client.Host.Locks;

/// <summary>Routes under <c>/v1/locks</c>: leases with fencing tokens, shared and exclusive modes, FIFO waits.</summary>
public static class LocksApi
{
    public static IEndpointRouteBuilder MapLocksApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/locks").WithTags("Locks");
        group.MapPost("/{name}/acquire", Acquire).WithName("AcquireLock")
            .WithSummary("Acquire (exclusive or shared) with a lease; waits up to waitMs in FIFO order; 409 names the holders.");
        group.MapPost("/{name}/renew", Renew).WithName("RenewLock").WithSummary("Extend a held lease; 409 when it is already lost.");
        group.MapPost("/{name}/release", Release).WithName("ReleaseLock").WithSummary("Release; 409 for a wrong owner or token.");
        group.MapGet("/{name}", Get).WithName("GetLock").WithSummary("Holders, tokens, expiries and queue length.");
        return app;
    }

    private static async Task<IResult> Acquire(HttpContext context, IGrainFactory grains, string name, LockAcquireRequest body, CancellationToken ct)
    {
        var grain = Grain(grains, LeaseKind.Lock, name);
        var request = new LeaseRequest { Owner = body.Owner, LeaseMs = body.LeaseMs, WaitMs = WaitMs(body.WaitMs), Mode = Modes.Parse(body.Mode) };

        // ct is the request's: a caller that goes away cancels the grain call, and its waiter leaves the queue.
        var result = await grain.Acquire(request, ct);
        return await Answer(context, result, lease => LeaseResponse.From(lease, LeaseKind.Lock));
    }

    private static async Task<IResult> Renew(HttpContext context, IGrainFactory grains, string name, LeaseRenewRequest body)
    {
        var grain = Grain(grains, LeaseKind.Lock, name);
        var result = await grain.Renew(RequiredText(body.Owner, "owner"), Required(body.Token, "token"), body.LeaseMs);
        return await Answer(context, result, lease => LeaseResponse.From(lease, LeaseKind.Lock));
    }

    private static async Task<IResult> Release(HttpContext context, IGrainFactory grains, string name, LeaseReleaseRequest body)
    {
        var grain = Grain(grains, LeaseKind.Lock, name);
        var result = await grain.Release(RequiredText(body.Owner, "owner"), Required(body.Token, "token"));
        return await Answer(context, result, _ => null);
    }

    private static async Task<IResult> Get(IGrainFactory grains, string name) =>
        TypedResults.Ok(LeaseStatusResponse.From(await Grain(grains, LeaseKind.Lock, name).Get()));
}
