using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Client.Cluster;

namespace Platform.Client.Host.Cluster;

/// <summary>Routes under <c>/v1/cluster</c>: the membership table as this client host sees it.</summary>
public static class ClusterApi
{
    /// <remarks>It takes no input, so its only problem answers are the common ones (429, 503).</remarks>
    public static IEndpointRouteBuilder MapClusterApi(this IEndpointRouteBuilder v1)
    {
        var group = v1.MapGroup("/cluster").WithTags("Cluster");
        group.MapGet("/", GetCluster).WithName("GetCluster")
            .WithSummary("Each silo's address, status, start time, last I-am-alive and activation count; this client's gateways.");
        return v1;
    }

    private static async Task<Ok<ClusterStatus>> GetCluster(IClusterAdmin admin, CancellationToken ct) =>
        TypedResults.Ok(await admin.GetStatusAsync(ct));
}
