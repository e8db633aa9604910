using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Platform.Client.Host.Api;
using Platform.Client.Host.Replication;
using Platform.Errors;
using Platform.KeyValue;
using Platform.Validation;

namespace Platform.Client.Host.KeyValue;

/// <summary>
/// Routes under <c>/v1/kv</c>: raw values in bodies, versions as ETags, listing in pages. <c>{ns}</c> and
/// <c>{**key}</c> are the request target's own segments, percent-decoded once (<see cref="ApiPath"/>).
/// </summary>
public static class KeyValueApi
{
    private const string Prefix = "/v1/kv/";

    private const string ContentTypeHeader = "Content-Type";

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

    private static async Task<Ok<KeyValueListResponse>> List(
        IKeyValueStore store, string ns, string? prefix, int? limit, string? continuationToken, [AsParameters] KeyValueReadHeaders read, CancellationToken ct)
    {
        var page = await store.ListAsync(ns, new KeyValueListOptions
        {
            Prefix = prefix ?? "",
            Limit = limit,
            ContinuationToken = continuationToken,
            Consistency = ReplicationHeaders.ParseConsistency(read.Consistency),
            Session = ReplicationHeaders.ParseSession(read.Session),
        }, ct);
        return TypedResults.Ok(new KeyValueListResponse([.. page.Items.Select(KeyValueItemResponse.From)], page.ContinuationToken));
    }

    private static async Task<Results<FileContentHttpResult, StatusCodeHttpResult>> Get(
        HttpContext context, IKeyValueStore store, string ns, string key,
        [FromHeader(Name = HttpConditions.IfNoneMatch)] string? ifNoneMatch, [AsParameters] KeyValueReadHeaders read, int? waitMs, CancellationToken ct)
    {
        var result = await store.ReadAsync(ns, key, new KeyValueReadOptions
        {
            Consistency = ReplicationHeaders.ParseConsistency(read.Consistency),
            Session = ReplicationHeaders.ParseSession(read.Session),
            Wait = ReplicationHeaders.ParseWait(waitMs),
        }, ct);
        ReplicationHeaders.Write(context.Response, result.Served, result.Session);
        var entry = result.Entry
            ?? throw new PlatformNotFoundException($"Key '{key}' does not exist in namespace '{ns}'.");
        context.Response.Headers.ETag = HttpConditions.ETag(entry.Version);
        context.Response.Headers.LastModified = entry.ModifiedAt.ToString("R");
        if (HttpConditions.NoneMatch(ifNoneMatch, entry.Version))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(entry.Value, ContentTypeOf(entry));
    }

    private static async Task<Results<Created<KeyValueWriteResponse>, Ok<KeyValueWriteResponse>>> Put(
        HttpContext context, IKeyValueStore store, IOptions<KeyValueOptions> options, string ns, string key,
        [AsParameters] KeyValueWriteHeaders headers, [FromHeader(Name = ContentTypeHeader)] string? contentType, CancellationToken ct)
    {
        // The Content-Type was checked on the way in (StrictRequestMiddleware: one valid media type), so it is stored as sent.
        var condition = HttpConditions.Parse(headers.IfMatch, headers.IfNoneMatch);
        var fence = Fences.Parse(headers.Fence);
        var consistency = ReplicationHeaders.ParseConsistency(headers.Consistency);
        var value = await RequestBodies.ReadAsync(context.Request, options.Value.MaxValueBytes, ct);
        var session = ReplicationHeaders.ParseSession(headers.Session);
        var written = await store.PutWithResultAsync(ns, key, value, new KeyValuePutOptions
        {
            ContentType = contentType,
            Condition = condition,
            Fence = fence,
            Session = session,
            Context = headers.Context,
            Consistency = consistency,
        }, ct);
        var (version, created) = written;
        ReplicationHeaders.Write(context.Response, written.Served, written.Session);
        context.Response.Headers.ETag = HttpConditions.ETag(version);
        var body = new KeyValueWriteResponse(ns, key, version);
        return created
            ? TypedResults.Created($"{Prefix}{Uri.EscapeDataString(ns)}/{Uri.EscapeDataString(key)}", body)
            : TypedResults.Ok(body);
    }

    private static async Task<NoContent> Delete(HttpContext context, IKeyValueStore store, string ns, string key, [AsParameters] KeyValueWriteHeaders headers, CancellationToken ct)
    {
        var session = await store.DeleteWithSessionAsync(ns, key, HttpConditions.Parse(headers.IfMatch, headers.IfNoneMatch), Fences.Parse(headers.Fence),
            ReplicationHeaders.ParseSession(headers.Session), headers.Context, ReplicationHeaders.ParseConsistency(headers.Consistency), ct);
        ReplicationHeaders.Write(context.Response, null, session);
        return TypedResults.NoContent();
    }

    /// <summary>The stored media type; one stored before media types were checked and not valid is answered as bytes.</summary>
    private static string ContentTypeOf(KeyValueEntry entry) =>
        entry.ContentType is { } type && MediaTypeRules.Check(type) is null ? type : "application/octet-stream";
}
