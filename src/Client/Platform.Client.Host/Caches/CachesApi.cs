using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Platform.Caches;
using Platform.Client.Host.Api;
using Platform.Errors;
using Platform.Validation;

namespace Platform.Client.Host.Caches;

/// <summary>
/// Routes under <c>/v1/caches</c>: named caches, their entries as raw bodies (Content-Type kept, the version as the
/// ETag, TTL and tags in <c>Platform-Ttl-Ms</c> and <c>Platform-Tags</c>), invalidation, stats and flush. Every
/// handler calls the typed client (<see cref="ICaches"/>), so the host's reads use its near cache too.
/// </summary>
public static class CachesApi
{
    public const string TtlHeader = "Platform-Ttl-Ms";
    public const string SlidingHeader = "Platform-Sliding-Ms";
    public const string TagsHeader = "Platform-Tags";
    public const string SourceVersionHeader = "Platform-Source-Version";
    public const string UsesHeader = "Platform-Uses";

    private const string Prefix = "/v1/caches/";

    public static IEndpointRouteBuilder MapCachesApi(this IEndpointRouteBuilder v1)
    {
        var group = v1.MapGroup("/caches").WithTags("Caches");
        group.MapGet("", List).WithName("ListCaches").WithSummary("Caches in name order, paged.").ProducesProblems(400);
        group.MapPut("/{name}", Put).WithName("PutCache").WithSummary("Create a cache, or replace it (entries dropped) when the spec differs.")
            .ProducesProblems(400, 409, 415);
        group.MapGet("/{name}", Get).WithName("GetCache").WithSummary("A cache's settings.").ProducesProblems(400, 404);
        group.MapDelete("/{name}", Delete).WithName("DeleteCache").WithSummary("Delete a cache and its entries.").ProducesProblems(400, 404);
        group.MapGet("/{name}/stats", Stats).WithName("GetCacheStats").WithSummary("Entries, bytes, hits, misses, evictions, expirations, loads per shard and in total.")
            .ProducesProblems(400, 404);
        group.MapPost("/{name}/invalidate", Invalidate).WithName("InvalidateCache").WithSummary("Drop entries by keys, tags and prefix.")
            .ProducesProblems(400, 404, 415);
        group.MapPost("/{name}/flush", Flush).WithName("FlushCache").WithSummary("Write every waiting write-behind entry to the source now.")
            .ProducesProblems(400, 404);
        group.MapGet("/{name}/entries/{**key}", GetEntry).WithName("GetCacheEntry")
            .WithSummary("An entry's value as the body (Content-Type kept), its version as the ETag, remaining TTL and tags as headers.")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream").Produces(StatusCodes.Status304NotModified)
            .ProducesProblems(400, 404);
        group.MapPut("/{name}/entries/{**key}", PutEntry).WithName("PutCacheEntry")
            .WithSummary("Set an entry (body = value); Platform-Ttl-Ms, Platform-Sliding-Ms, Platform-Tags, Platform-Source-Version, If-Match, If-None-Match: *.")
            .ProducesProblems(400, 404, 409, 412, 413);
        group.MapDelete("/{name}/entries/{**key}", DeleteEntry).WithName("DeleteCacheEntry").WithSummary("Remove an entry.")
            .ProducesProblems(400, 404);
        return v1;
    }

    private static async Task<Ok<CacheListResponse>> List(ICaches caches, int? limit, string? continuationToken, CancellationToken ct)
    {
        var page = await caches.ListAsync(limit, continuationToken, ct);
        return TypedResults.Ok(new CacheListResponse([.. page.Items.Select(CacheResponse.From)], page.ContinuationToken));
    }

    private static async Task<Results<Created<CacheResponse>, Ok<CacheResponse>>> Put(ICaches caches, string name, CacheRequest body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        var result = await caches.PutAsync(name, Spec(body), ct);
        var response = CacheResponse.From(result.Settings);
        return result.Created ? TypedResults.Created($"{Prefix}{Uri.EscapeDataString(name)}", response) : TypedResults.Ok(response);
    }

    private static async Task<Ok<CacheResponse>> Get(ICaches caches, string name, CancellationToken ct) =>
        TypedResults.Ok(CacheResponse.From(await caches.GetSettingsAsync(name, ct)));

    private static async Task<NoContent> Delete(ICaches caches, string name, CancellationToken ct)
    {
        await caches.DeleteAsync(name, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<CacheStats>> Stats(ICaches caches, string name, CancellationToken ct) =>
        TypedResults.Ok(await caches.StatsAsync(name, ct));

    private static async Task<Ok<CacheCountResponse>> Invalidate(ICaches caches, string name, CacheInvalidateRequest body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        var count = await caches.InvalidateAsync(name, new CacheInvalidation { Keys = body.Keys ?? [], Tags = body.Tags ?? [], Prefix = body.Prefix }, ct);
        return TypedResults.Ok(new CacheCountResponse(name, count));
    }

    private static async Task<Ok<CacheCountResponse>> Flush(ICaches caches, string name, CancellationToken ct) =>
        TypedResults.Ok(new CacheCountResponse(name, await caches.FlushAsync(name, ct)));

    private static async Task<Results<FileContentHttpResult, StatusCodeHttpResult>> GetEntry(
        HttpContext context, ICaches caches, string name, string key,
        [FromHeader(Name = HttpConditions.IfNoneMatch)] string? ifNoneMatch, CancellationToken ct)
    {
        var entry = await caches.GetAsync(name, key, ct)
            ?? throw new PlatformNotFoundException($"Key '{key}' is not in cache '{name}'.");
        var headers = context.Response.Headers;
        headers.ETag = HttpConditions.ETag(entry.Version);
        if (entry.ExpiresAt is { } expires)
        {
            headers[TtlHeader] = Math.Max(0, (long)Math.Ceiling((expires - entry.ReadAt).TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
        }

        if (entry.Tags.Count > 0)
        {
            headers[TagsHeader] = string.Join(',', entry.Tags);
        }

        if (entry.SourceVersion is { } sourceVersion)
        {
            headers[SourceVersionHeader] = sourceVersion.ToString(CultureInfo.InvariantCulture);
        }

        headers[UsesHeader] = entry.Uses.ToString(CultureInfo.InvariantCulture);
        if (HttpConditions.NoneMatch(ifNoneMatch, entry.Version))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(entry.Value, entry.ContentType is { } type && MediaTypeRules.Check(type) is null ? type : "application/octet-stream");
    }

    private static async Task<Results<Created<CacheEntryWriteResponse>, Ok<CacheEntryWriteResponse>>> PutEntry(
        HttpContext context, ICaches caches, IOptions<CachesOptions> options, string name, string key,
        [FromHeader(Name = "Content-Type")] string? contentType,
        [FromHeader(Name = TtlHeader)] string? ttl,
        [FromHeader(Name = SlidingHeader)] string? sliding,
        [FromHeader(Name = TagsHeader)] string? tags,
        [FromHeader(Name = SourceVersionHeader)] string? sourceVersion,
        [FromHeader(Name = HttpConditions.IfMatch)] string? ifMatch,
        [FromHeader(Name = HttpConditions.IfNoneMatch)] string? ifNoneMatch,
        CancellationToken ct)
    {
        var condition = HttpConditions.Parse(ifMatch, ifNoneMatch);
        var limits = options.Value;
        var tagList = Tags(tags);
        if (CacheSpecRules.CheckTags(tagList, limits.MaxTagsPerEntry) is { } tagError)
        {
            throw new PlatformValidationException(TagsHeader, tagError);
        }

        var setOptions = new CacheSetOptions
        {
            ContentType = contentType,
            Ttl = Milliseconds(ttl, TtlHeader, limits.MaxTtlMs),
            Sliding = Milliseconds(sliding, SlidingHeader, limits.MaxTtlMs),
            Tags = tagList,
            SourceVersion = sourceVersion is null ? null : Number(sourceVersion, SourceVersionHeader),
            IfVersion = condition.IfMatchVersion,
            IfAbsent = condition.IfNoneMatch,
        };
        var value = await RequestBodies.ReadAsync(context.Request, limits.MaxValueBytes, ct, "Platform:Caches:MaxValueBytes");
        var result = await caches.SetAsync(name, key, value, setOptions, ct);
        if (result.Status == CacheSetStatus.Stale)
        {
            throw new PlatformConflictException(
                $"Not applied: cache entry '{key}' holds source version {result.SourceVersion}, newer than the {SourceVersionHeader} {setOptions.SourceVersion} sent.");
        }

        context.Response.Headers.ETag = HttpConditions.ETag(result.Version);
        var response = new CacheEntryWriteResponse(name, key, result.Version, result.SourceVersion);
        return result.Created
            ? TypedResults.Created($"{Prefix}{Uri.EscapeDataString(name)}/entries/{Uri.EscapeDataString(key)}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<NoContent> DeleteEntry(ICaches caches, string name, string key, CancellationToken ct)
    {
        if (!await caches.RemoveAsync(name, key, ct))
        {
            throw new PlatformNotFoundException($"Key '{key}' is not in cache '{name}'.");
        }

        return TypedResults.NoContent();
    }

    private static CacheSpec Spec(CacheRequest body)
    {
        if (body.Capacity is not { } capacity)
        {
            throw new PlatformValidationException("capacity", "is required ({ \"entries\": n })");
        }

        if (capacity.Entries is not { } entries)
        {
            throw new PlatformValidationException("capacity.entries", "is required");
        }

        var strategy = CacheNames.Strategy(body.Strategy);
        return new CacheSpec
        {
            Shards = body.Shards ?? 16,
            Capacity = new CacheCapacity { Entries = entries, Bytes = capacity.Bytes },
            Eviction = CacheNames.Eviction(body.Eviction),
            DefaultTtlMs = body.DefaultTtlMs,
            TtlJitter = body.TtlJitter ?? 0,
            Strategy = strategy,
            Source = body.Source is { } source ? new CacheSource { Namespace = source.Namespace, Http = source.Http } : null,
            WriteBehind = body.WriteBehind is { } wb
                ? new CacheWriteBehind { DelayMs = wb.DelayMs ?? 100, MaxBatch = wb.MaxBatch ?? 100, MaxQueue = wb.MaxQueue ?? 100_000, MaxAgeMs = wb.MaxAgeMs ?? CacheWriteBehind.DefaultMaxAgeMs }
                : strategy == CacheStrategy.WriteBehind ? new CacheWriteBehind() : null,
            RefreshAhead = body.RefreshAhead ?? (strategy == CacheStrategy.RefreshAhead ? 0.8 : null),
            NearCache = body.NearCache is { } near
                ? new CacheNearCache { Enabled = near.Enabled ?? true, TtlMs = near.TtlMs ?? 5_000, Capacity = near.Capacity ?? 10_000 }
                : null,
        };
    }

    private static IReadOnlyList<string> Tags(string? header) =>
        string.IsNullOrWhiteSpace(header) ? [] : [.. header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal)];

    private static TimeSpan? Milliseconds(string? header, string name, long max) =>
        header is null ? null
        : Number(header, name) is var ms && ms <= max ? TimeSpan.FromMilliseconds(ms)
        : throw new PlatformValidationException(name, $"must be at most {max} ms (Platform:Caches:MaxTtlMs) (got {header})");

    private static long Number(string header, string name) =>
        long.TryParse(header.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new PlatformValidationException(name, $"must be a positive whole number (got '{header}')");
}
