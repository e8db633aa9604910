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
        group.MapLeaseRoutes<ISemaphores>(LeaseKind.Semaphore, "Semaphore", "Permits, holders, tokens, expiries and queue length.");
        return v1;
    }

    private static async Task<Ok<LeaseStatusResponse>> SetPermits(ISemaphores semaphores, string name, SemaphorePermitsRequest body, CancellationToken ct) =>
        TypedResults.Ok(LeaseStatusResponse.From(await semaphores.SetPermitsAsync(name, Required(body.Permits, "permits"), ct)));

    private static async Task<Ok<LeaseResponse>> Acquire(ISemaphores semaphores, string name, SemaphoreAcquireRequest body, CancellationToken ct)
    {
        var request = new LeaseRequest { Owner = body.Owner, Count = body.Count ?? 1, LeaseMs = body.LeaseMs, WaitMs = body.WaitMs ?? 0 };
        return TypedResults.Ok(LeaseResponse.From(await semaphores.AcquireLeaseAsync(name, request, ct), LeaseKind.Semaphore));
    }
}
