using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Client.Host.Api;
using Platform.Locks;

namespace Platform.Client.Host.Locks;

/// <summary>
/// The Locks block's HTTP API: <c>/v1/locks</c> (leases with fencing tokens, shared and exclusive modes, FIFO waits),
/// <c>/v1/semaphores</c> and <c>/v1/elections</c>. Every handler calls the typed client; a refusal is its
/// <see cref="LeaseConflictException"/>, answered 409 with <c>holders</c> and <c>queueLength</c> by the error table.
/// </summary>
public static class LocksApi
{
    public static IEndpointRouteBuilder MapLocksApi(this IEndpointRouteBuilder v1)
    {
        var group = v1.MapGroup("/locks").WithTags("Locks");
        group.MapPost("/{name}/acquire", Acquire).WithName("AcquireLock")
            .WithSummary("Acquire (exclusive or shared) with a lease; waits up to waitMs in FIFO order; 409 names the holders.")
            .ProducesProblems(400, 409, 415);
        group.MapLeaseRoutes<ILocks>(LeaseKind.Lock, "Lock", "Holders, tokens, expiries and queue length.");

        v1.MapSemaphoresApi();
        v1.MapElectionsApi();
        return v1;
    }

    private static async Task<Ok<LeaseResponse>> Acquire(ILocks locks, string name, LockAcquireRequest body, CancellationToken ct)
    {
        var request = new LeaseRequest { Owner = body.Owner, LeaseMs = body.LeaseMs, WaitMs = body.WaitMs ?? 0, Mode = Modes.Parse(body.Mode) };
        return TypedResults.Ok(LeaseResponse.From(await locks.AcquireLeaseAsync(name, request, ct), LeaseKind.Lock));
    }
}
