using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;

namespace Platform.Testing.Http;

/// <summary>Key-value, namespace and transaction routes.</summary>
public sealed partial class PlatformApiClient
{
    /// <summary>Header of fenced writes: <c>Platform-Fence: {lock}:{token}</c>.</summary>
    public const string FenceHeader = "Platform-Fence";

    /// <summary>Reads of replicated namespaces: <c>Platform-Consistency: strong | session | eventual</c>.</summary>
    public const string ConsistencyHeader = "Platform-Consistency";

    /// <summary>Replicated namespaces: the session token, sent back as it was answered.</summary>
    public const string SessionHeader = "Platform-Session";

    /// <summary><c>GET /v1/kv/{ns}/{key}</c>: the value as <see cref="ApiResponse.Body"/>, its version from the ETag.</summary>
    public Task<ApiResponse> GetKeyAsync(string ns, string key, KeyValueConditions? conditions = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, KeyPath(ns, key), null, Headers(conditions), cancellationToken);

    /// <summary><c>PUT /v1/kv/{ns}/{key}</c> of bytes (<c>application/octet-stream</c> unless the conditions name a Content-Type).</summary>
    public async Task<ApiResponse<KeyValueWrite>> PutKeyAsync(string ns, string key, byte[] value, KeyValueConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        var type = conditions?.ContentType is { } contentType ? MediaTypeHeaderValue.Parse(contentType) : OctetStream;
        return await CallAsync<KeyValueWrite>(HttpMethod.Put, KeyPath(ns, key), () => Content(value, type), Headers(conditions), cancellationToken);
    }

    /// <summary><c>PUT /v1/kv/{ns}/{key}</c> of UTF-8 text (<c>text/plain</c> unless the conditions name a Content-Type).</summary>
    public async Task<ApiResponse<KeyValueWrite>> PutKeyAsync(string ns, string key, string value, KeyValueConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        var type = conditions?.ContentType is { } contentType ? MediaTypeHeaderValue.Parse(contentType) : TextPlain;
        var bytes = Encoding.UTF8.GetBytes(value);
        return await CallAsync<KeyValueWrite>(HttpMethod.Put, KeyPath(ns, key), () => Content(bytes, type), Headers(conditions), cancellationToken);
    }

    /// <summary><c>DELETE /v1/kv/{ns}/{key}</c>: 204, or 404 for a missing key.</summary>
    public Task<ApiResponse> DeleteKeyAsync(string ns, string key, KeyValueConditions? conditions = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, KeyPath(ns, key), null, Headers(conditions), cancellationToken);

    /// <summary>One page of <c>GET /v1/kv/{ns}</c>.</summary>
    public async Task<ApiResponse<KeyValueListing>> ListKeysAsync(string ns, string? prefix = null, int? limit = null, string? continuationToken = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        if (prefix is not null)
        {
            query.Add("prefix=" + Escape(prefix));
        }

        if (limit is { } l)
        {
            query.Add("limit=" + l.ToString(CultureInfo.InvariantCulture));
        }

        if (continuationToken is not null)
        {
            query.Add("continuationToken=" + Escape(continuationToken));
        }

        var path = $"/v1/kv/{Escape(ns)}" + (query.Count == 0 ? "" : "?" + string.Join('&', query));
        return await CallAsync<KeyValueListing>(HttpMethod.Get, path, null, null, cancellationToken);
    }

    /// <summary>Every page of a listing, following continuation tokens; throws for a page that is not a 200.</summary>
    public async IAsyncEnumerable<KeyValueListing> ListKeyPagesAsync(string ns, string? prefix = null, int? limit = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? token = null;
        do
        {
            var page = (await ListKeysAsync(ns, prefix, limit, token, cancellationToken)).Ok();
            yield return page;
            token = page.ContinuationToken;
        }
        while (token is not null);
    }

    /// <summary><c>PUT /v1/namespaces/{ns}</c>: 201 when created, 200 when it exists with these settings, 409 otherwise.</summary>
    public Task<ApiResponse<NamespaceInfo>> CreateNamespaceAsync(string ns, int? shards = null, bool? transactional = null, string? partitioning = null, CancellationToken cancellationToken = default) =>
        CallAsync<NamespaceInfo>(HttpMethod.Put, NamespacePath(ns), JsonObject(w =>
        {
            WriteOptional(w, "shards", shards);
            if (transactional is { } t)
            {
                w.WriteBoolean("transactional", t);
            }

            if (partitioning is not null)
            {
                w.WriteString("partitioning", partitioning);
            }
        }), null, cancellationToken);

    /// <summary>
    /// <c>PUT /v1/namespaces/{ns}</c> of a replicated namespace: <c>replication</c> with the given members (null ones
    /// left out, so the server's defaults apply).
    /// </summary>
    public Task<ApiResponse<NamespaceInfo>> CreateReplicatedNamespaceAsync(string ns, int? shards, int? replicas, string? ack = null, string? consistency = null, string mode = "leader", CancellationToken cancellationToken = default) =>
        CallAsync<NamespaceInfo>(HttpMethod.Put, NamespacePath(ns), JsonObject(w =>
        {
            WriteOptional(w, "shards", shards);
            w.WriteStartObject("replication");
            w.WriteString("mode", mode);
            WriteOptional(w, "replicas", replicas);
            if (ack is not null)
            {
                w.WriteString("ack", ack);
            }

            if (consistency is not null)
            {
                w.WriteString("consistency", consistency);
            }

            w.WriteEndObject();
        }), null, cancellationToken);

    public Task<ApiResponse<NamespaceInfo>> GetNamespaceAsync(string ns, CancellationToken cancellationToken = default) =>
        CallAsync<NamespaceInfo>(HttpMethod.Get, NamespacePath(ns), null, null, cancellationToken);

    public Task<ApiResponse> DeleteNamespaceAsync(string ns, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, NamespacePath(ns), null, null, cancellationToken);

    public Task<ApiResponse<NamespaceListing>> ListNamespacesAsync(int? limit = null, string? continuationToken = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        if (limit is { } l)
        {
            query.Add("limit=" + l.ToString(CultureInfo.InvariantCulture));
        }

        if (continuationToken is not null)
        {
            query.Add("continuationToken=" + Escape(continuationToken));
        }

        return CallAsync<NamespaceListing>(HttpMethod.Get, "/v1/namespaces" + (query.Count == 0 ? "" : "?" + string.Join('&', query)), null, null, cancellationToken);
    }

    /// <summary><c>GET /v1/namespaces/{ns}/shards</c>: a 200 means every shard grain answered.</summary>
    public Task<ApiResponse<ShardMap>> GetShardMapAsync(string ns, bool ranges = false, CancellationToken cancellationToken = default) =>
        CallAsync<ShardMap>(HttpMethod.Get, NamespacePath(ns) + "/shards" + (ranges ? "?ranges=true" : ""), null, null, cancellationToken);

    public Task<ApiResponse<KeyLocation>> LocateAsync(string ns, string key, CancellationToken cancellationToken = default) =>
        CallAsync<KeyLocation>(HttpMethod.Get, NamespacePath(ns) + "/locate?key=" + Escape(key), null, null, cancellationToken);

    /// <summary>
    /// <c>POST /v1/txn</c> with <paramref name="body"/>: raw JSON text, or an object serialized the API's way
    /// (<c>new { @namespace = ns, compare = ..., success = ..., failure = ... }</c>).
    /// </summary>
    public Task<ApiResponse<TransactionAnswer>> TransactAsync(object body, CancellationToken cancellationToken = default) =>
        CallAsync<TransactionAnswer>(HttpMethod.Post, "/v1/txn", Json(body), null, cancellationToken);

    private static string KeyPath(string ns, string key) => $"/v1/kv/{Escape(ns)}/{Escape(key)}";

    private static string NamespacePath(string ns) => $"/v1/namespaces/{Escape(ns)}";

    private static Action<HttpRequestMessage>? Headers(KeyValueConditions? conditions) => conditions is null ? null : request =>
    {
        if (conditions.IfMatch is { } version)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue(Quoted(version)));
        }

        if (conditions.CreateOnly)
        {
            request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any);
        }
        else if (conditions.IfNoneMatch is { } current)
        {
            request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(Quoted(current)));
        }

        if (conditions.FenceLock is { } fence)
        {
            request.Headers.TryAddWithoutValidation(FenceHeader, string.Create(CultureInfo.InvariantCulture, $"{fence}:{conditions.FenceToken}"));
        }

        if (conditions.Consistency is { } consistency)
        {
            request.Headers.TryAddWithoutValidation(ConsistencyHeader, consistency);
        }

        if (conditions.Session is { } session)
        {
            request.Headers.TryAddWithoutValidation(SessionHeader, session);
        }
    };

    private static string Quoted(long version) => string.Create(CultureInfo.InvariantCulture, $"\"{version}\"");
}
