using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Platform.Client.Host.Api;
using Platform.Errors;
using Platform.KeyValue;

namespace Platform.Client.Host.KeyValue;

/// <summary>Routes under <c>/v1/kv</c>: raw values in bodies, versions as ETags, listing in pages.</summary>
public static class KeyValueApi
{
    private const string Prefix = "/v1/kv/";

    public static IEndpointRouteBuilder MapKeyValueApi(this IEndpointRouteBuilder v1)
    {
        var group = v1.MapGroup("/kv").WithTags("KeyValue");
        group.MapGet("/{ns}", List).WithName("ListKeys").WithSummary("Keys with versions and values, in key order, paged.")
            .ProducesProblems(400, 404);
        group.MapGet("/{ns}/{**key}", Get).WithName("GetKey").WithSummary("A key's value as the body, its version as the ETag.")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream").Produces(StatusCodes.Status304NotModified)
            .ProducesProblems(400, 404);
        group.MapPut("/{ns}/{**key}", Put).WithName("PutKey").WithSummary("Write a key (body = value, Content-Type kept); honours If-Match and If-None-Match: *.")
            .ProducesProblems(400, 404, 409, 412, 413);
        group.MapDelete("/{ns}/{**key}", Delete).WithName("DeleteKey").WithSummary("Delete a key; honours If-Match.")
            .ProducesProblems(400, 404, 409, 412);
        return v1;
    }

    private static async Task<Ok<KeyValueListResponse>> List(IKeyValueStore store, string ns, string? prefix, int? limit, string? continuationToken, CancellationToken ct)
    {
        var page = await store.ListAsync(ns, new KeyValueListOptions { Prefix = prefix ?? "", Limit = limit, ContinuationToken = continuationToken }, ct);
        return TypedResults.Ok(new KeyValueListResponse([.. page.Items.Select(KeyValueItemResponse.From)], page.ContinuationToken));
    }

    private static async Task<Results<FileContentHttpResult, StatusCodeHttpResult>> Get(HttpContext context, IKeyValueStore store, string ns, string key, CancellationToken ct)
    {
        key = KeyOf(context, key);
        var entry = await store.GetAsync(ns, key, ct)
            ?? throw new PlatformNotFoundException($"Key '{key}' does not exist in namespace '{ns}'.");
        var etag = HttpConditions.ETag(entry.Version);
        context.Response.Headers.ETag = etag;
        context.Response.Headers.LastModified = entry.ModifiedAt.ToString("R");
        if (context.Request.Headers.IfNoneMatch.ToString().Trim() == etag)
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(entry.Value, entry.ContentType ?? "application/octet-stream");
    }

    private static async Task<Results<Created<KeyValueWriteResponse>, Ok<KeyValueWriteResponse>>> Put(HttpContext context, IKeyValueStore store, IOptions<KeyValueOptions> options, string ns, string key, CancellationToken ct)
    {
        key = KeyOf(context, key);
        var condition = HttpConditions.Parse(context.Request);
        var value = await RequestBodies.ReadAsync(context.Request, options.Value.MaxValueBytes, ct);
        var (version, created) = await store.PutWithResultAsync(ns, key, value, new KeyValuePutOptions
        {
            ContentType = context.Request.ContentType,
            Condition = condition,
            Fence = Fences.Parse(context.Request),
        }, ct);
        context.Response.Headers.ETag = HttpConditions.ETag(version);
        var body = new KeyValueWriteResponse(ns, key, version);
        return created
            ? TypedResults.Created($"{Prefix}{Uri.EscapeDataString(ns)}/{Uri.EscapeDataString(key)}", body)
            : TypedResults.Ok(body);
    }

    private static async Task<NoContent> Delete(HttpContext context, IKeyValueStore store, string ns, string key, CancellationToken ct)
    {
        key = KeyOf(context, key);
        await store.DeleteAsync(ns, key, HttpConditions.Parse(context.Request), Fences.Parse(context.Request), ct);
        return TypedResults.NoContent();
    }

    // Hosts without a raw target (the in-memory TestServer) leave only %2F encoded in route values.
    private static string KeyOf(HttpContext context, string routeKey) =>
        RawRoute.TailAfterSegment(context, Prefix) ?? routeKey.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
}
