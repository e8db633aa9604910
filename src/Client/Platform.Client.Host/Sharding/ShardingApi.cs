using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Platform.Client.Host.Api;
using Platform.KeyValue;
using Platform.Sharding;

namespace Platform.Client.Host.Sharding;

/// <summary>Routes under <c>/v1/namespaces</c>: create, inspect and delete namespaces; the shard map; locating a key.</summary>
public static class ShardingApi
{
    public static IEndpointRouteBuilder MapShardingApi(this IEndpointRouteBuilder v1)
    {
        var group = v1.MapGroup("/namespaces").WithTags("Namespaces");
        group.MapGet("/", ListNamespaces).WithName("ListNamespaces").WithSummary("Namespace names, paged.")
            .ProducesProblems(400);
        group.MapPut("/{ns}", CreateNamespace).WithName("CreateNamespace").WithSummary("Create a namespace (idempotent for the same settings).")
            .ProducesProblems(400, 409, 415);
        group.MapGet("/{ns}", GetNamespace).WithName("GetNamespace").WithSummary("A namespace's settings.")
            .ProducesProblems(400, 404);
        group.MapDelete("/{ns}", DeleteNamespace).WithName("DeleteNamespace").WithSummary("Delete a namespace and all its keys.")
            .ProducesProblems(400, 404, 409);
        group.MapGet("/{ns}/shards", GetShardMap).WithName("GetShardMap").WithSummary("Each shard's ring share, hosting silo, key count and bytes; for a replicated namespace each replica's silo, role, term, commit and applied index and lag.")
            .ProducesProblems(400, 404);
        group.MapGet("/{ns}/locate", Locate).WithName("LocateKey").WithSummary("The shard and silo that hold a key.")
            .ProducesProblems(400, 404);
        return v1;
    }

    private static async Task<Ok<NamespaceListResponse>> ListNamespaces(INamespaceAdmin admin, int? limit, string? continuationToken, CancellationToken ct)
    {
        var page = await admin.ListAsync(new NamespaceListOptions { Limit = limit, ContinuationToken = continuationToken }, ct);
        return TypedResults.Ok(new NamespaceListResponse(page.Items, page.ContinuationToken));
    }

    private static async Task<Results<Created<NamespaceResponse>, Ok<NamespaceResponse>>> CreateNamespace(
        INamespaceAdmin admin, IOptions<KeyValueOptions> options, string ns, [FromBody] NamespaceRequest? body, CancellationToken ct)
    {
        var spec = new NamespaceSpec
        {
            Shards = body?.Shards ?? options.Value.DefaultShards,
            Partitioning = body?.Partitioning ?? PartitioningMode.Hash,
            Transactional = body?.Transactional ?? false,
            Replication = body?.Replication?.ToSettings(),
        };
        var result = await admin.CreateAsync(ns, spec, ct);
        var response = NamespaceResponse.From(result.Settings);
        return result.Created
            ? TypedResults.Created($"/v1/namespaces/{Uri.EscapeDataString(ns)}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Ok<NamespaceResponse>> GetNamespace(INamespaceAdmin admin, string ns, CancellationToken ct) =>
        TypedResults.Ok(NamespaceResponse.From(await admin.GetAsync(ns, ct)));

    private static async Task<NoContent> DeleteNamespace(INamespaceAdmin admin, string ns, CancellationToken ct)
    {
        await admin.DeleteAsync(ns, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<ShardMapResponse>> GetShardMap(INamespaceAdmin admin, string ns, bool? ranges, CancellationToken ct)
    {
        var shards = await admin.GetShardMapAsync(ns, ranges ?? false, ct);
        return TypedResults.Ok(new ShardMapResponse(ns, shards.Count, HashRing.VirtualNodesPerShard, [.. shards.Select(ShardMapEntry.From)]));
    }

    private static async Task<Ok<LocateResponse>> Locate(INamespaceAdmin admin, string ns, string? key, CancellationToken ct)
    {
        var location = await admin.LocateAsync(ns, key ?? "", ct);
        return TypedResults.Ok(new LocateResponse(location.Namespace, location.Key,
            location.Token.ToString(CultureInfo.InvariantCulture), location.Shard, location.Grain, location.Silo));
    }
}
