using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Client.Cluster;

namespace Platform.Client.Host.Cluster;

/// <summary>Routes under <c>/v1/cluster</c>: the membership table as this client host sees it.</summary>
public static class ClusterApi
{
    public static IEndpointRouteBuilder MapClusterApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/cluster").WithTags("Cluster");
        group.MapGet("/", GetCluster).WithName("GetCluster")
            .WithSummary("Each silo's address, status, start time, last I-am-alive and activation count; this client's gateways.");
        return app;
    }

    private static async Task<Ok<ClusterStatus>> GetCluster(IClusterAdmin admin, CancellationToken ct) =>
        TypedResults.Ok(await admin.GetStatusAsync(ct));
}
