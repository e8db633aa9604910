using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Client.Host.Api;
using Platform.Locks;
using static Platform.Client.Host.Api.RequestFields;

namespace Platform.Client.Host.Locks;

/// <summary>Routes under <c>/v1/semaphores</c>: counting semaphores with leases and fencing tokens (part of <see cref="LocksApi"/>).</summary>
internal static class SemaphoresApi
{
    public static IEndpointRouteBuilder MapSemaphoresApi(this IEndpointRouteBuilder v1)
    {
        var group = v1.MapGroup("/semaphores").WithTags("Semaphores");
        group.MapPut("/{name}", SetPermits).WithName("PutSemaphore").WithSummary("Create a semaphore or change its permits.")
            .ProducesProblems(400, 415);
        group.MapPost("/{name}/acquire", Acquire).WithName("AcquireSemaphore")
            .WithSummary("Take count permits with a lease; waits up to waitMs in FIFO order; 409 names the holders.")
            .ProducesProblems(400, 404, 409, 415);
        group.MapPost("/{name}/renew", Renew).WithName("RenewSemaphore").WithSummary("Extend a held lease; 409 when it is already lost.")
            .ProducesProblems(400, 409, 415);
        group.MapPost("/{name}/release", Release).WithName("ReleaseSemaphore").WithSummary("Release; 409 for a wrong owner or token.")
            .ProducesProblems(400, 409, 415);
        group.MapGet("/{name}", Get).WithName("GetSemaphore").WithSummary("Permits, holders, tokens, expiries and queue length.")
            .ProducesProblems(400);
        return v1;
    }

    private static async Task<Ok<LeaseStatusResponse>> SetPermits(ISemaphores semaphores, string name, SemaphorePermitsRequest body, CancellationToken ct) =>
        TypedResults.Ok(LeaseStatusResponse.From(await semaphores.SetPermitsAsync(name, Required(body.Permits, "permits"), ct)));

    private static async Task<Ok<LeaseResponse>> Acquire(ISemaphores semaphores, string name, SemaphoreAcquireRequest body, CancellationToken ct)
    {
        var request = new LeaseRequest { Owner = body.Owner, Count = body.Count ?? 1, LeaseMs = body.LeaseMs, WaitMs = body.WaitMs ?? 0 };
        return TypedResults.Ok(LeaseResponse.From(await semaphores.AcquireLeaseAsync(name, request, ct), LeaseKind.Semaphore));
    }

    private static async Task<Ok<LeaseResponse>> Renew(ISemaphores semaphores, string name, LeaseRenewRequest body, CancellationToken ct) =>
        TypedResults.Ok(LeaseResponse.From(await semaphores.RenewLeaseAsync(name, body.Owner ?? "", Required(body.Token, "token"), body.LeaseMs, ct), LeaseKind.Semaphore));

    private static async Task<NoContent> Release(ISemaphores semaphores, string name, LeaseReleaseRequest body, CancellationToken ct)
    {
        await semaphores.ReleaseLeaseAsync(name, body.Owner ?? "", Required(body.Token, "token"), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<LeaseStatusResponse>> Get(ISemaphores semaphores, string name, CancellationToken ct) =>
        TypedResults.Ok(LeaseStatusResponse.From(await semaphores.GetAsync(name, ct)));
}
