using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Client.Host.Api;
using Platform.Locks;
using static Platform.Client.Host.Api.RequestFields;

namespace Platform.Client.Host.Locks;

/// <summary>Routes under <c>/v1/elections</c>: leader election over leases; the term is the leader's fencing token (part of <see cref="LocksApi"/>).</summary>
internal static class ElectionsApi
{
    public static IEndpointRouteBuilder MapElectionsApi(this IEndpointRouteBuilder v1)
    {
        var group = v1.MapGroup("/elections").WithTags("Elections");
        group.MapPost("/{name}/campaign", Campaign).WithName("Campaign")
            .WithSummary("Become leader with a lease (waiting up to waitMs); the answer carries the term; 409 names the leader.")
            .ProducesProblems(400, 409, 415);
        group.MapPost("/{name}/proclaim", Proclaim).WithName("Proclaim").WithSummary("The leader keeps its lease; 409 when leadership is lost.")
            .ProducesProblems(400, 409, 415);
        group.MapPost("/{name}/resign", Resign).WithName("Resign").WithSummary("The leader steps down; 409 for a wrong candidate or term.")
            .ProducesProblems(400, 409, 415);
        group.MapGet("/{name}", Get).WithName("GetLeader").WithSummary("Leader, term and expiry.")
            .ProducesProblems(400);
        group.MapGet("/{name}/watch", Watch).WithName("WatchLeader")
            .WithSummary("Server-Sent Events: the current leader, then one 'leader' event per change of leader.")
            .ProducesProblems(400);
        return v1;
    }

    private static async Task<Ok<LeaderResponse>> Campaign(IElection elections, string name, CampaignRequest body, CancellationToken ct)
    {
        var request = new LeaseRequest { Owner = body.Candidate, LeaseMs = body.LeaseMs, WaitMs = body.WaitMs ?? 0, Mode = LeaseMode.Exclusive };
        return TypedResults.Ok(Leader(name, await elections.CampaignLeaseAsync(name, request, ct)));
    }

    private static async Task<Ok<LeaderResponse>> Proclaim(IElection elections, string name, ProclaimRequest body, CancellationToken ct) =>
        TypedResults.Ok(Leader(name, await elections.ProclaimAsync(name, body.Candidate ?? "", Required(body.Term, "term"), body.LeaseMs, ct)));

    private static async Task<NoContent> Resign(IElection elections, string name, ResignRequest body, CancellationToken ct)
    {
        await elections.ResignAsync(name, body.Candidate ?? "", Required(body.Term, "term"), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<LeaderResponse>> Get(IElection elections, string name, CancellationToken ct) =>
        TypedResults.Ok(LeaderResponse.From(await elections.GetLeaderAsync(name, ct)));

    // WatchAsync checks the name now, so a bad one is a 400 before the event stream starts.
    private static ServerSentEventsResult<LeaderResponse> Watch(IElection elections, string name, CancellationToken ct) =>
        TypedResults.ServerSentEvents(Events(elections.WatchAsync(name, ct), ct));

    private static async IAsyncEnumerable<SseItem<LeaderResponse>> Events(IAsyncEnumerable<ElectionLeader> leaders, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var leader in leaders.WithCancellation(ct))
        {
            yield return new SseItem<LeaderResponse>(LeaderResponse.From(leader), "leader");
        }
    }

    private static LeaderResponse Leader(string name, LeaseHolder lease) => new(name, lease.Owner, lease.Token, lease.ExpiresAt);
}
