using System.Globalization;
using System.Text;
using static Platform.Tests.Api.KestrelApiFixture;

namespace Platform.Tests.Api;

/// <summary>
/// One route with a valid request to it, aimed at the suite's anchors so that a bad variant wrongly accepted would
/// change something the snapshot sees (a write to the anchor key, a renewal of the anchor lock). The bad-input suite
/// derives every bad variant from this sample and the route's entry in the API document.
/// </summary>
public sealed record RouteSample(string Route, IReadOnlyDictionary<string, string> PathValues)
{
    /// <summary>The method, e.g. <c>PUT</c>.</summary>
    public string Method => Route[..Route.IndexOf(' ', StringComparison.Ordinal)];

    /// <summary>The path template as the API document writes it, e.g. <c>/v1/kv/{ns}/{key}</c>.</summary>
    public string Template => Route[(Route.IndexOf(' ', StringComparison.Ordinal) + 1)..];

    /// <summary>A valid query string without the <c>?</c>, or empty.</summary>
    public string Query { get; init; } = "";

    /// <summary>A valid JSON body, or null for a route without one.</summary>
    public string? Json { get; init; }

    /// <summary>A raw (non-JSON) body, such as a key-value write's value.</summary>
    public byte[]? RawBody { get; init; }

    /// <summary>Headers the route reads that the API document does not list as parameters (OpenAPI leaves out Content-Type).</summary>
    public IReadOnlyList<string> UndocumentedHeaders { get; init; } = [];

    /// <summary>Valid headers the sample sends (a raw body's Content-Type).</summary>
    public IReadOnlyList<(string Name, string Value)> Headers { get; init; } = [];

    /// <summary>An answer that is a stream (Server-Sent Events): only bad variants, which must be refused before it starts, are sent.</summary>
    public bool Streams { get; init; }

    /// <summary>An answer that changes by itself over time (membership timestamps): variants compare its status only.</summary>
    public bool Volatile { get; init; }

    /// <summary>The request target with the path values percent-encoded (one segment each) and the query.</summary>
    public string Target(IReadOnlyDictionary<string, string>? rawValues = null, bool withQuery = true)
    {
        var path = Template;
        foreach (var (name, value) in PathValues)
        {
            path = path.Replace("{" + name + "}", rawValues?.GetValueOrDefault(name) ?? Uri.EscapeDataString(value), StringComparison.Ordinal);
        }

        return withQuery && Query.Length > 0 ? $"{path}?{Query}" : path;
    }

    /// <summary>The valid request.</summary>
    public RawRequest Request(string? target = null, string? json = null)
    {
        var body = json ?? Json;
        var request = new RawRequest(Method, target ?? Target(), body is null ? RawBody : Encoding.UTF8.GetBytes(body));
        if (body is not null)
        {
            request = request.WithHeader("Content-Type", "application/json");
        }

        foreach (var (name, value) in Headers)
        {
            request = request.WithHeader(name, value);
        }

        return request;
    }

    public override string ToString() => Route;

    /// <summary>
    /// Every <c>/v1</c> route, each with a valid sample against <paramref name="anchors"/>. A route mapped by the host
    /// but missing here fails <c>BadInputTests.EveryRoute_IsListedWithASample</c> until it is added.
    /// </summary>
    public static IReadOnlyList<RouteSample> All(KestrelApiFixture anchors)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        static Dictionary<string, string> P(params (string Name, string Value)[] values) => values.ToDictionary(v => v.Name, v => v.Value);
        var lockToken = anchors.LockToken.ToString(CultureInfo.InvariantCulture);
        var semaphoreToken = anchors.SemaphoreToken.ToString(CultureInfo.InvariantCulture);
        var term = anchors.ElectionTerm.ToString(CultureInfo.InvariantCulture);
        var txn = $$"""
            {"namespace":"{{TxnNamespace}}",
             "compare":[{"key":"{{TxnKey}}","target":"value","op":"==","value":"100"}],
             "success":[{"op":"put","key":"{{TxnKey}}","value":"changed","contentType":"text/plain"}],
             "failure":[{"op":"put","key":"{{TxnKey}}","value":"changed-too"}]}
            """;
        return
        [
            new("GET /v1/namespaces", P()) { Query = "limit=10" },
            new("PUT /v1/namespaces/{ns}", P(("ns", NewNamespace))) { Json = """{"shards":2,"partitioning":"hash","transactional":false}""" },
            new("GET /v1/namespaces/{ns}", P(("ns", Namespace))),
            new("DELETE /v1/namespaces/{ns}", P(("ns", Namespace))),
            new("GET /v1/namespaces/{ns}/shards", P(("ns", Namespace))) { Query = "ranges=true" },
            new("GET /v1/namespaces/{ns}/locate", P(("ns", Namespace))) { Query = "key=k" },
            new("GET /v1/kv/{ns}", P(("ns", "default"))) { Query = "prefix=bad-input%2F&limit=10" },
            new("GET /v1/kv/{ns}/{key}", P(("ns", "default"), ("key", AnchorKey))),
            new("PUT /v1/kv/{ns}/{key}", P(("ns", "default"), ("key", AnchorKey)))
            {
                RawBody = "changed"u8.ToArray(),
                Headers = [("Content-Type", "text/plain")],
                UndocumentedHeaders = ["Content-Type"],
            },
            new("DELETE /v1/kv/{ns}/{key}", P(("ns", "default"), ("key", AnchorKey))),
            new("POST /v1/kv/{ns}/{key}/counter", P(("ns", CrdtNamespace), ("key", CrdtKey))) { Json = """{"delta":1}""" },
            new("GET /v1/kv/{ns}/{key}/counter", P(("ns", CrdtNamespace), ("key", CrdtKey))),
            new("POST /v1/kv/{ns}/{key}/set", P(("ns", CrdtNamespace), ("key", CrdtKey + "-set"))) { Json = """{"add":"x"}""" },
            new("GET /v1/kv/{ns}/{key}/set", P(("ns", CrdtNamespace), ("key", CrdtKey + "-set"))),
            new("GET /v1/kv/{ns}/{key}/siblings", P(("ns", SiblingsNamespace), ("key", CrdtKey))),
            new("POST /v1/txn", P()) { Json = txn },
            new("POST /v1/locks/{name}/acquire", P(("name", AnchorLock))) { Json = """{"owner":"intruder","leaseMs":1000,"waitMs":0,"mode":"exclusive"}""" },
            new("POST /v1/locks/{name}/renew", P(("name", AnchorLock))) { Json = $$"""{"owner":"{{Keeper}}","token":{{lockToken}},"leaseMs":200000}""" },
            new("POST /v1/locks/{name}/release", P(("name", AnchorLock))) { Json = $$"""{"owner":"{{Keeper}}","token":{{lockToken}}}""" },
            new("GET /v1/locks/{name}", P(("name", AnchorLock))),
            new("PUT /v1/semaphores/{name}", P(("name", AnchorSemaphore))) { Json = """{"permits":5}""" },
            new("GET /v1/semaphores/{name}", P(("name", AnchorSemaphore))),
            new("POST /v1/semaphores/{name}/acquire", P(("name", AnchorSemaphore))) { Json = """{"owner":"intruder","count":1,"leaseMs":1000,"waitMs":0}""" },
            new("POST /v1/semaphores/{name}/renew", P(("name", AnchorSemaphore))) { Json = $$"""{"owner":"{{Keeper}}","token":{{semaphoreToken}},"leaseMs":200000}""" },
            new("POST /v1/semaphores/{name}/release", P(("name", AnchorSemaphore))) { Json = $$"""{"owner":"{{Keeper}}","token":{{semaphoreToken}}}""" },
            new("POST /v1/elections/{name}/campaign", P(("name", AnchorElection))) { Json = """{"candidate":"intruder","leaseMs":1000,"waitMs":0}""" },
            new("POST /v1/elections/{name}/proclaim", P(("name", AnchorElection))) { Json = $$"""{"candidate":"{{Keeper}}","term":{{term}},"leaseMs":200000}""" },
            new("POST /v1/elections/{name}/resign", P(("name", AnchorElection))) { Json = $$"""{"candidate":"{{Keeper}}","term":{{term}}}""" },
            new("GET /v1/elections/{name}", P(("name", AnchorElection))),
            new("GET /v1/elections/{name}/watch", P(("name", AnchorElection))) { Streams = true },
            new("GET /v1/cluster", P()) { Volatile = true },
            new("GET /v1/topics", P()) { Query = "limit=10" },
            new("PUT /v1/topics/{topic}", P(("topic", NewTopic))) { Json = """{"partitions":2,"retention":{"ms":60000,"bytes":1000000},"cleanup":"delete","maxRecordBytes":1000}""" },
            new("GET /v1/topics/{topic}", P(("topic", AnchorTopic))),
            new("DELETE /v1/topics/{topic}", P(("topic", AnchorTopic))),
            new("POST /v1/topics/{topic}/partitions", P(("topic", AnchorTopic))) { Json = """{"partitions":3}""" },
            new("POST /v1/topics/{topic}/records", P(("topic", AnchorTopic)))
            {
                Json = """{"records":[{"key":"k","value":"v","headers":{"h":"1"},"partition":0}],"producerId":"bad-producer","epoch":0,"sequence":0}""",
            },
            new("GET /v1/topics/{topic}/partitions/{partition}/records", P(("topic", AnchorTopic), ("partition", "0"))) { Query = "offset=0&limit=10&waitMs=0" },
            new("POST /v1/groups/{group}/members", P(("group", AnchorGroup)))
            {
                Query = "waitMs=0",
                Json = $$"""{"topics":["{{AnchorTopic}}"],"memberId":"{{anchors.GroupMember}}","sessionTimeoutMs":3600000,"assignor":"range"}""",
            },
            new("POST /v1/groups/{group}/members/{memberId}/heartbeat", P(("group", AnchorGroup), ("memberId", anchors.GroupMember)))
            {
                Json = $$"""{"generation":{{anchors.GroupGeneration.ToString(CultureInfo.InvariantCulture)}}}""",
            },
            new("DELETE /v1/groups/{group}/members/{memberId}", P(("group", AnchorGroup), ("memberId", anchors.GroupMember))),
            new("POST /v1/groups/{group}/offsets", P(("group", AnchorGroup)))
            {
                Json = $$"""{"memberId":"{{anchors.GroupMember}}","generation":{{anchors.GroupGeneration.ToString(CultureInfo.InvariantCulture)}},"offsets":[{"topic":"{{AnchorTopic}}","partition":0,"offset":1}]}""",
            },
            new("GET /v1/groups/{group}", P(("group", AnchorGroup))),
            new("POST /v1/topics/{topic}/shares/{group}/fetch", P(("topic", AnchorTopic), ("group", AnchorShare))) { Query = "max=1&visibilityMs=1000&waitMs=0&partition=0" },
            new("POST /v1/topics/{topic}/shares/{group}/ack", P(("topic", AnchorTopic), ("group", AnchorShare))) { Json = $$"""{"leaseIds":["{{anchors.ShareLease}}"]}""" },
            new("POST /v1/topics/{topic}/shares/{group}/nack", P(("topic", AnchorTopic), ("group", AnchorShare))) { Json = $$"""{"leaseIds":["{{anchors.ShareLease}}"]}""" },
            new("POST /v1/topics/{topic}/shares/{group}/release", P(("topic", AnchorTopic), ("group", AnchorShare))) { Json = $$"""{"leaseIds":["{{anchors.ShareLease}}"]}""" },
            new("GET /v1/topics/{topic}/shares/{group}", P(("topic", AnchorTopic), ("group", AnchorShare))),
            new("GET /v1/caches", P()) { Query = "limit=10" },
            new("PUT /v1/caches/{name}", P(("name", NewCache)))
            {
                Json = """{"shards":2,"capacity":{"entries":100,"bytes":1000000},"eviction":"lru","defaultTtlMs":60000,"ttlJitter":0.1,"strategy":"aside","nearCache":{"enabled":true,"ttlMs":1000,"capacity":10}}""",
            },
            new("GET /v1/caches/{name}", P(("name", AnchorCache))),
            new("DELETE /v1/caches/{name}", P(("name", AnchorCache))),
            new("GET /v1/caches/{name}/stats", P(("name", AnchorCache))),
            new("POST /v1/caches/{name}/invalidate", P(("name", AnchorCache))) { Json = """{"keys":["k"],"tags":["t"],"prefix":"p"}""" },
            new("POST /v1/caches/{name}/flush", P(("name", AnchorCache))),
            new("GET /v1/caches/{name}/entries/{key}", P(("name", AnchorCache), ("key", AnchorKey))),
            new("PUT /v1/caches/{name}/entries/{key}", P(("name", AnchorCache), ("key", AnchorKey)))
            {
                RawBody = "changed"u8.ToArray(),
                Headers = [("Content-Type", "text/plain")],
                UndocumentedHeaders = ["Content-Type"],
            },
            new("DELETE /v1/caches/{name}/entries/{key}", P(("name", AnchorCache), ("key", AnchorKey))),
            new("PUT /v1/sagas/definitions/{name}", P(("name", NewSaga)))
            {
                Json = """{"steps":[{"name":"a","action":{"kind":"http","method":"POST","url":"http://127.0.0.1:9/{{input.a}}","body":"{}","expect":[200]},"compensation":{"kind":"kv","op":"delete","namespace":"default","key":"k","ifVersion":1,"ifAbsent":false},"retry":{"maxAttempts":1,"backoffMs":0,"jitter":false},"timeoutMs":1000},{"name":"b","action":{"kind":"kv","op":"put","namespace":"default","key":"k","value":"v"}}]}""",
            },
            new("GET /v1/sagas/definitions/{name}", P(("name", AnchorSaga))) { Query = "version=1" },
            new("POST /v1/sagas/{name}/instances", P(("name", AnchorSaga))) { Json = """{"id":"bad-saga-instance"}""" },
            new("GET /v1/sagas/instances/{id}", P(("id", AnchorSagaInstance))),
            new("GET /v1/sagas/instances/{id}/watch", P(("id", AnchorSagaInstance))) { Streams = true },
            new("POST /v1/sagas/instances/{id}/abort", P(("id", AnchorSagaInstance))),
            new("POST /v1/sagas/instances/{id}/retry", P(("id", AnchorSagaInstance))),
            new("POST /v1/sagas/instances/{id}/skip", P(("id", AnchorSagaInstance))),
            new("GET /v1/services", P()) { Query = "limit=10" },
            new("GET /v1/services/{service}", P(("service", AnchorService))) { Query = "index=0&waitMs=0" },
            new("GET /v1/services/{service}/watch", P(("service", AnchorService))) { Query = "index=0", Streams = true },
            new("PUT /v1/services/{service}/instances/{id}", P(("service", AnchorService), ("id", AnchorInstance)))
            {
                Json = """{"address":"127.0.0.2","port":8081,"scheme":"http","metadata":{"v":"2"},"tags":["t"],"weight":2,"zone":"z"}""",
                Headers = [("Platform-Owner-Token", Keeper)],
            },
            new("POST /v1/services/{service}/instances/{id}/heartbeat", P(("service", AnchorService), ("id", AnchorInstance))) { Headers = [("Platform-Owner-Token", Keeper)] },
            new("DELETE /v1/services/{service}/instances/{id}", P(("service", AnchorService), ("id", AnchorInstance))) { Headers = [("Platform-Owner-Token", Keeper)] },
            new("POST /v1/services/{service}/instances/{id}/report", P(("service", AnchorService), ("id", AnchorInstance))) { Json = """{"success":true,"latencyMs":1.5,"closesPick":true}""" },
            new("GET /v1/services/{service}/resolve", P(("service", AnchorService))) { Query = "strategy=consistent-hash&key=k&zone=z" },
        ];
    }
}
