using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Client.Host.Api;
using Platform.Client.Host.KeyValue;
using Platform.Errors;
using Platform.Replication;

namespace Platform.Client.Host.Replication;

/// <summary>
/// The typed data of multi-leader namespaces, beside their keys under <c>/v1/kv</c>: PN-counters and OR-sets
/// (<c>conflicts: crdt</c>) and siblings (<c>conflicts: siblings</c>; a write replacing them sends the context back as
/// <c>Platform-Context</c> on <c>PUT /v1/kv/{ns}/{key}</c>). On any other namespace these routes are a 400 naming
/// <c>namespace</c>. A key literally ending in <c>/counter</c>, <c>/set</c> or <c>/siblings</c> is read through these routes, not as a value.
/// </summary>
public static class ReplicationApi
{
    public const string ContextHeader = "Platform-Context";

    public static IEndpointRouteBuilder MapReplicationApi(this IEndpointRouteBuilder v1)
    {
        var group = v1.MapGroup("/kv").WithTags("Replication");
        group.MapPost("/{ns}/{key}/counter", AddToCounter).WithName("AddToCounter")
            .WithSummary("Add delta to a PN-counter at one replica (multi-leader crdt namespaces); answers its value there.")
            .ProducesProblems(400, 404, 415);
        group.MapGet("/{ns}/{key}/counter", GetCounter).WithName("GetCounter")
            .WithSummary("A PN-counter's value merged from the replicas the read level asks (Platform-Consistency: one, quorum, all).")
            .ProducesProblems(400, 404);
        group.MapPost("/{ns}/{key}/set", ChangeSet).WithName("ChangeSet")
            .WithSummary("Add or remove one element of an add-wins OR-set (multi-leader crdt namespaces).")
            .ProducesProblems(400, 404, 415);
        group.MapGet("/{ns}/{key}/set", GetSet).WithName("GetSet").WithSummary("An OR-set's elements merged from the replicas the read level asks.")
            .ProducesProblems(400, 404);
        group.MapGet("/{ns}/{key}/siblings", GetSiblings).WithName("GetSiblings")
            .WithSummary("Every sibling of a key (multi-leader siblings namespaces) and the Platform-Context a replacing write sends back.")
            .ProducesProblems(400, 404);
        return v1;
    }

    private static async Task<Ok<CounterResponse>> AddToCounter(IReplicatedData data, string ns, string key, CounterRequest body, CancellationToken ct)
    {
        var delta = body.Delta ?? throw new PlatformValidationException("delta", "is required (an integer; negative subtracts)");
        var value = await data.AddToCounterAsync(ns, key, delta, ct);
        return TypedResults.Ok(new CounterResponse(key, value.ToString(CultureInfo.InvariantCulture)));
    }

    private static async Task<Ok<CounterResponse>> GetCounter(IReplicatedData data, string ns, string key, [AsParameters] ReplicatedDataReadHeaders read, CancellationToken ct)
    {
        var value = await data.GetCounterAsync(ns, key, ReplicationHeaders.ParseConsistency(read.Consistency), ct);
        return TypedResults.Ok(new CounterResponse(key, value.ToString(CultureInfo.InvariantCulture)));
    }

    private static async Task<Ok<SetResponse>> ChangeSet(IReplicatedData data, string ns, string key, SetRequest body, CancellationToken ct)
    {
        var elements = (body.Add, body.Remove) switch
        {
            ({ } add, null) => await data.AddToSetAsync(ns, key, add, ct),
            (null, { } remove) => await data.RemoveFromSetAsync(ns, key, remove, ct),
            _ => throw new PlatformValidationException("add", "exactly one of add or remove is required"),
        };
        return TypedResults.Ok(new SetResponse(key, elements));
    }

    private static async Task<Ok<SetResponse>> GetSet(IReplicatedData data, string ns, string key, [AsParameters] ReplicatedDataReadHeaders read, CancellationToken ct) =>
        TypedResults.Ok(new SetResponse(key, await data.GetSetAsync(ns, key, ReplicationHeaders.ParseConsistency(read.Consistency), ct)));

    private static async Task<Ok<SiblingsResponse>> GetSiblings(HttpContext context, IReplicatedData data, string ns, string key, [AsParameters] ReplicatedDataReadHeaders read, CancellationToken ct)
    {
        var siblings = await data.GetSiblingsAsync(ns, key, ReplicationHeaders.ParseConsistency(read.Consistency), ct);
        context.Response.Headers[ContextHeader] = siblings.Context;
        return TypedResults.Ok(new SiblingsResponse(key, siblings.Context, [.. siblings.Siblings.Select(KeyValueItemResponse.From)]));
    }
}
