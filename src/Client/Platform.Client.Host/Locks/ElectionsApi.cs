using Microsoft.AspNetCore.Http.HttpResults;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Platform.Locks;
using static Platform.Client.Host.Locks.LeaseResults;

namespace Platform.Client.Host.Locks;

/// <summary>Routes under <c>/v1/elections</c>: leader election over leases; the term is the leader's fencing token.</summary>
public static class ElectionsApi
{
    public static IEndpointRouteBuilder MapElectionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/elections").WithTags("Elections");
        group.MapPost("/{name}/campaign", Campaign).WithName("Campaign")
            .WithSummary("Become leader with a lease (waiting up to waitMs); the answer carries the term; 409 names the leader.");
        group.MapPost("/{name}/proclaim", Proclaim).WithName("Proclaim").WithSummary("The leader keeps its lease; 409 when leadership is lost.");
        group.MapPost("/{name}/resign", Resign).WithName("Resign").WithSummary("The leader steps down; 409 for a wrong candidate or term.");
        group.MapGet("/{name}", Get).WithName("GetLeader").WithSummary("Leader, term and expiry.");
        group.MapGet("/{name}/watch", Watch).WithName("WatchLeader")
            .WithSummary("Server-Sent Events: the current leader, then one 'leader' event per change of leader.");
        return app;
    }

    private static async Task<IResult> Campaign(HttpContext context, IGrainFactory grains, string name, CampaignRequest body, CancellationToken ct)
    {
        var grain = Grain(grains, LeaseKind.Election, name);
        var request = new LeaseRequest { Owner = body.Candidate, LeaseMs = body.LeaseMs, WaitMs = WaitMs(body.WaitMs), Mode = LeaseMode.Exclusive };
        var result = await grain.Acquire(request, ct);
        return await Answer(context, result, lease => Leader(name, lease));
    }

    private static async Task<IResult> Proclaim(HttpContext context, IGrainFactory grains, string name, ProclaimRequest body)
    {
        var result = await Grain(grains, LeaseKind.Election, name).Renew(RequiredText(body.Candidate, "candidate"), Required(body.Term, "term"), body.LeaseMs);
        return await Answer(context, result, lease => Leader(name, lease));
    }

    private static async Task<IResult> Resign(HttpContext context, IGrainFactory grains, string name, ResignRequest body)
    {
        var result = await Grain(grains, LeaseKind.Election, name).Release(RequiredText(body.Candidate, "candidate"), Required(body.Term, "term"));
        return await Answer(context, result, _ => null);
    }

    private static async Task<IResult> Get(IGrainFactory grains, string name) =>
        TypedResults.Ok(LeaderResponse.From(ElectionLeader.From(await Grain(grains, LeaseKind.Election, name).Get())));

    private static ServerSentEventsResult<LeaderResponse> Watch(IElection elections, IGrainFactory grains, string name, CancellationToken ct)
    {
        Grain(grains, LeaseKind.Election, name); // validates the name before the stream starts
        return TypedResults.ServerSentEvents(Events(elections, name, ct));
    }

    private static async IAsyncEnumerable<SseItem<LeaderResponse>> Events(IElection elections, string name, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var leader in elections.WatchAsync(name, ct))
        {
            yield return new SseItem<LeaderResponse>(LeaderResponse.From(leader), "leader");
        }
    }

    private static LeaderResponse Leader(string name, LeaseHolder lease) => new(name, lease.Owner, lease.Token, lease.ExpiresAt);
}
