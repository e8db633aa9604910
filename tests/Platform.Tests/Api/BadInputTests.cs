using System.Text;
using System.Text.Json;
using Platform.Errors;
using Platform.KeyValue;
using Platform.Transactions;
using static Platform.Tests.Api.KestrelApiFixture;

namespace Platform.Tests.Api;

/// <summary>
/// Bad input on every route of the HTTP API, over real Kestrel and raw sockets: for each JSON body member, each
/// header, each query parameter and each path parameter of each route the API document lists, bad values (wrong
/// type, lone surrogate, unknown and duplicate members, oversize, invalid media types, bad percent-encoding, invalid
/// UTF-8, dot segments) answer a 4xx ProblemDetails, within <see cref="RawHttp.Timeout"/>, never a 500; and after
/// every request the stored state (<see cref="KestrelApiFixture.SnapshotAsync"/>) is what it was. The routes come
/// from the host's endpoints and the API document, so a new route fails <see cref="EveryRoute_IsListedWithASample"/>
/// until <see cref="RouteSample.All"/> has a sample for it, and is then covered by every test here.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class BadInputTests(KestrelApiFixture fixture) : IAsyncLifetime
{
    private static readonly string[] DotSegmentForms = ["%2E%2E/{v}", "../{v}", "./{v}", "%2e/{v}", ".%2E/{v}", "{v}/..", "{v}/%2E"];

    private static readonly string[] PercentForms = ["{v}%ZZ", "{v}%4", "{v}%", "%G1{v}"];

    private static readonly string[] Utf8Forms = ["{v}%FF", "{v}%C3", "%ED%A0%80{v}", "%C0%AF{v}", "{v}%F4%90%80%80"];

    private static readonly string[] ControlForms = ["{v}%01", "{v}%0A", "{v}%7F"];

    private JsonElement _document;
    private IReadOnlyList<RouteSample> _routes = [];

    public async Task InitializeAsync()
    {
        await fixture.RestoreAnchorsAsync();
        var document = await fixture.Api.GetAsync("/openapi/v1.json");
        _document = JsonDocument.Parse(document.Body).RootElement.Clone();
        _routes = RouteSample.All(fixture);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>
    /// The host's <c>/v1</c> endpoints, the operations of the API document and the suite's samples are the same set:
    /// a route added to the host is not covered until it has a sample here, and this test says so.
    /// </summary>
    [Fact]
    public void EveryRoute_IsListedWithASample()
    {
        var mapped = fixture.MappedRoutes();
        var documented = Operations().Select(o => o.Route.Route).Order(StringComparer.Ordinal).ToList();
        var listed = _routes.Select(r => r.Route).Order(StringComparer.Ordinal).ToList();
        Assert.True(mapped.Count >= 26, $"only {mapped.Count} routes mapped");
        Assert.Equal(mapped, documented);
        Assert.True(mapped.SequenceEqual(listed),
            $"routes without a sample in RouteSample.All: [{string.Join(", ", mapped.Except(listed))}]; samples of routes that do not exist: [{string.Join(", ", listed.Except(mapped))}]");
    }

    /// <summary>Every sample is valid as it stands, so each bad variant below has exactly one thing wrong.</summary>
    [Fact]
    public async Task EverySample_IsAcceptedAsSent_ByARouteThatReadsOnly()
    {
        var failures = new List<string>();
        foreach (var route in _routes.Where(r => r.Method == "GET" && !r.Streams))
        {
            var response = await fixture.Raw.SendAsync(route.Request());
            if (response.Status != 200)
            {
                failures.Add($"{route}: {route.Request()} -> {response}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>
    /// For every member of every route's JSON body (from its schema in the API document): wrong types, lone
    /// surrogates, duplicates, oversize values and invalid media types; for every object an unknown member; and
    /// malformed bodies as a whole. Each is a 400 naming the member (4xx for oversize and body-level cases), and
    /// nothing stored changes.
    /// </summary>
    [Fact]
    public async Task BadJsonBodies_AnswerProblemNamingTheField_AndChangeNothing()
    {
        var probe = await Probe.StartAsync(fixture);
        foreach (var (route, operation) in JsonRoutes())
        {
            var schema = operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
            foreach (var bad in JsonMutations.For(_document, schema, route.Json!))
            {
                await probe.CheckAsync($"{route} {bad.What}", route.Request(json: bad.Json), bad.Field is null ? Expect.AnyProblem : Expect.BadRequest(bad.Field));
            }

            var body = route.Request();
            await probe.CheckAsync($"{route} not JSON", body with { Body = "{not json"u8.ToArray() }, Expect.BadRequest("body"));
            await probe.CheckAsync($"{route} truncated JSON", body with { Body = Encoding.UTF8.GetBytes(route.Json![..^2]) }, Expect.AnyProblem);
            await probe.CheckAsync($"{route} an array, not an object", body with { Body = "[]"u8.ToArray() }, Expect.BadRequest("body"));
            await probe.CheckAsync($"{route} a string, not an object", body with { Body = "\"x\""u8.ToArray() }, Expect.BadRequest("body"));
            await probe.CheckAsync($"{route} nested 200 deep", body with { Body = Encoding.UTF8.GetBytes(new string('[', 200) + new string(']', 200)) }, Expect.AnyProblem);
            await probe.CheckAsync($"{route} invalid UTF-8 in a string", body with { Body = InvalidUtf8(route.Json!) }, Expect.AnyProblem);
            await probe.CheckAsync($"{route} trailing data", body with { Body = Encoding.UTF8.GetBytes(route.Json + "{}") }, Expect.AnyProblem);
            if (!JsonMutations.IsOptional(schema))
            {
                await probe.CheckAsync($"{route} empty body", body with { Body = [] }, Expect.BadRequest("body"));
                await probe.CheckAsync($"{route} null body", body with { Body = "null"u8.ToArray() }, Expect.AnyProblem);
            }

            await probe.CheckAsync($"{route} text/plain body", body.WithHeader("Content-Type", "text/plain"), Expect.Status(415));
            await probe.CheckAsync($"{route} no Content-Type", body.WithoutHeader("Content-Type"), Expect.Status(415));
            await probe.CheckAsync($"{route} malformed Content-Type", body.WithHeader("Content-Type", "application/json; charset"), Expect.AnyProblem);
            await probe.CheckAsync($"{route} UTF-16 declared, UTF-8 sent", body.WithHeader("Content-Type", "application/json; charset=utf-16"), Expect.AnyProblem);
        }

        probe.AssertNoFailures(minimumCases: 500);
    }

    /// <summary>
    /// Every header a route reads (the API document's header parameters, and Content-Type of raw bodies): malformed,
    /// non-ASCII, oversize and repeated values are a 400 naming the header, and nothing stored changes.
    /// </summary>
    [Fact]
    public async Task BadHeaders_AnswerProblemNamingTheHeader_AndChangeNothing()
    {
        var probe = await Probe.StartAsync(fixture);
        var covered = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (route, operation) in Operations())
        {
            var headers = Parameters(operation, "header").Concat(route.UndocumentedHeaders).Distinct(StringComparer.OrdinalIgnoreCase);
            foreach (var header in headers)
            {
                covered.Add(header);
                var (bad, good) = BadHeaderValues(header, route.Method);
                foreach (var value in bad)
                {
                    await probe.CheckAsync($"{route} {header}: {Show(value)}", route.Request().WithHeader(header, value), Expect.BadRequest(header));
                }

                if (good is not null)
                {
                    var twice = route.Request().WithoutHeader(header) with { Headers = [.. route.Request().WithoutHeader(header).Headers, (header, Encoding.UTF8.GetBytes(good)), (header, Encoding.UTF8.GetBytes(good))] };
                    await probe.CheckAsync($"{route} {header} sent twice", twice, Expect.BadRequest(header));
                }
            }
        }

        Assert.Superset(new HashSet<string>(["If-Match", "If-None-Match", "Platform-Fence", "Content-Type", "Platform-Consistency", "Platform-Session"], StringComparer.OrdinalIgnoreCase), covered);
        probe.AssertNoFailures(minimumCases: 60);
    }

    /// <summary>Every query parameter: bad percent-encoding, invalid UTF-8, repeats, wrong types and oversize values are a 400 naming it.</summary>
    [Fact]
    public async Task BadQueryValues_AnswerProblemNamingTheParameter_AndChangeNothing()
    {
        var probe = await Probe.StartAsync(fixture);
        foreach (var (route, operation) in Operations())
        {
            foreach (var parameter in operation.TryGetProperty("parameters", out var parameters) ? parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query") : [])
            {
                var name = parameter.GetProperty("name").GetString()!;
                var type = JsonMutations.Resolve(_document, parameter.GetProperty("schema")).TryGetProperty("type", out var t)
                    ? (t.ValueKind == JsonValueKind.Array ? t.EnumerateArray().Select(x => x.GetString()).First(x => x != "null") : t.GetString())
                    : "string";
                string[] values = type switch
                {
                    "integer" => ["%FF", "%ZZ", "%ED%A0%80", "abc", "1.5", "\"5\"", "99999999999999999999"],
                    "boolean" => ["%FF", "%ZZ", "maybe", "2"],
                    _ => ["%FF", "%ZZ", "%ED%A0%80", "%C3", "a%01b", new string('k', 2000)],
                };
                var others = string.Join('&', route.Query.Split('&', StringSplitOptions.RemoveEmptyEntries).Where(p => !p.StartsWith(name + "=", StringComparison.Ordinal)));
                foreach (var value in values)
                {
                    var query = string.Join('&', new[] { others, $"{name}={value}" }.Where(q => q.Length > 0));
                    await probe.CheckAsync($"{route} ?{name}={Show(value)}", route.Request(route.Target(withQuery: false) + "?" + query), Expect.BadRequest(name));
                }

                var repeated = string.Join('&', new[] { others, $"{name}=1", $"{name}=1" }.Where(q => q.Length > 0));
                await probe.CheckAsync($"{route} ?{name} twice", route.Request(route.Target(withQuery: false) + "?" + repeated), Expect.BadRequest(name));
            }
        }

        probe.AssertNoFailures(minimumCases: 30);
    }

    /// <summary>
    /// Every path parameter of every route in bad forms: dot segments (also as %2E), bad percent-encoding and invalid
    /// UTF-8 are a 400 naming <c>path</c>; control characters and oversize names a 400 naming the parameter's field;
    /// nothing stored changes (a dot segment never moves a write to another namespace or key).
    /// </summary>
    [Fact]
    public async Task BadPathForms_AnswerProblem_AndChangeNothing()
    {
        var probe = await Probe.StartAsync(fixture);
        foreach (var route in _routes)
        {
            foreach (var (parameter, value) in route.PathValues)
            {
                var encoded = Uri.EscapeDataString(value);
                var catchAll = parameter == "key";
                async Task Send(string form, Func<RawResponse, string?> expect)
                {
                    var raw = form.Replace("{v}", encoded, StringComparison.Ordinal);
                    var target = route.Target(new Dictionary<string, string> { [parameter] = raw });
                    await probe.CheckAsync($"{route} {{{parameter}}} = {raw}", route.Request(target), expect);
                }

                foreach (var form in DotSegmentForms.Concat(PercentForms).Concat(Utf8Forms))
                {
                    await Send(form, Expect.BadRequest("path"));
                }

                foreach (var form in ControlForms)
                {
                    await Send(form, Expect.BadRequest(null));
                }

                await Send("{v}" + new string('x', 600), Expect.BadRequest(null));
                if (!catchAll)
                {
                    // A name holds only [A-Za-z0-9._~:-]: a literal '%' or '/' is refused, not read as something else.
                    await Send("{v}%25FF", Expect.BadRequest(null));
                    await Send("{v}%252F", Expect.BadRequest(null));
                }
            }
        }

        // The dot segments before the route's own segments, too.
        foreach (var route in _routes.Where(r => !r.Streams))
        {
            await probe.CheckAsync($"{route} behind /x/..", route.Request("/x/.." + route.Target()), Expect.BadRequest("path"));
            await probe.CheckAsync($"{route} with /%2E inside", route.Request(route.Target().Replace("/v1/", "/v1/%2E/", StringComparison.Ordinal)), Expect.BadRequest("path"));
        }

        probe.AssertNoFailures(minimumCases: 400);
    }

    /// <summary>
    /// The literal segments match in any letter case (ASP.NET routing), and the parser reads the parameters by
    /// position, so <c>/V1/KV/...</c> names exactly what <c>/v1/kv/...</c> names: the same answer on every read route,
    /// and a write through one is read back through the other.
    /// </summary>
    [Fact]
    public async Task CaseVariantsOfTheLiteralSegments_NameTheSameItem()
    {
        var failures = new List<string>();
        foreach (var route in _routes.Where(r => r.Method == "GET" && !r.Streams))
        {
            var canonical = await fixture.Raw.SendAsync(route.Request());
            foreach (var variant in new[] { Upper(route.Target()), Capitalized(route.Target()) })
            {
                var answer = await fixture.Raw.SendAsync(route.Request(variant));
                if (answer.Status != canonical.Status || (!route.Volatile && (answer.Text != canonical.Text || answer.ETag != canonical.ETag)))
                {
                    failures.Add($"{route}: {variant} -> {answer}; {route.Target()} -> {canonical}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));

        var put = await fixture.Raw.SendAsync(new RawRequest("PUT", "/V1/KV/default/case%252Fkey", "upper"u8.ToArray()));
        Assert.True(put.Status == 201, put.ToString());
        var get = await fixture.Raw.SendAsync(new RawRequest("GET", "/v1/kv/default/case%252Fkey"));
        Assert.Equal((200, "upper"), (get.Status, get.Text));
        Assert.Contains("case%2Fkey", (await fixture.Api.ListKeysAsync("default", prefix: "case")).Ok().Items.Select(i => i.Key));
        Assert.Equal(204, (await fixture.Raw.SendAsync(new RawRequest("DELETE", "/v1/Kv/default/case%252Fkey"))).Status);
        Assert.Equal(404, (await fixture.Raw.SendAsync(new RawRequest("GET", "/v1/kv/default/case%252Fkey"))).Status);
    }

    /// <summary>
    /// A key is its path segments after the namespace, each percent-decoded once as UTF-8: <c>%25FF</c> is the key
    /// <c>%FF</c>, <c>%FF</c> is refused, <c>a%2Fb</c> and <c>a/b</c> are one key and <c>a%252Fb</c> another, and
    /// <c>PUT /v1/kv/default/%2E%2E/other/k</c> is refused instead of writing <c>k</c> in namespace <c>other</c>.
    /// </summary>
    [Fact]
    public async Task KeysInThePath_AreDecodedOnce()
    {
        var raw = fixture.Raw;
        Assert.Equal(201, (await raw.SendAsync(new RawRequest("PUT", "/v1/kv/default/pct%25FF", "literal"u8.ToArray()))).Status);
        Assert.Equal((200, "literal"), await Read("/v1/kv/default/pct%25FF"));
        Assert.Contains("pct%FF", (await fixture.Api.ListKeysAsync("default", prefix: "pct")).Ok().Items.Select(i => i.Key));
        var refused = await raw.SendAsync(new RawRequest("GET", "/v1/kv/default/pct%FF"));
        Assert.True(refused is { Status: 400, IsCompleteProblem: true, Field: "path" }, refused.ToString());

        Assert.Equal(201, (await raw.SendAsync(new RawRequest("PUT", "/v1/kv/default/slash%2Fkey", "one"u8.ToArray()))).Status);
        Assert.Equal((200, "one"), await Read("/v1/kv/default/slash/key"));
        Assert.Equal(404, (await raw.SendAsync(new RawRequest("GET", "/v1/kv/default/slash%252Fkey"))).Status);

        (await fixture.Api.CreateNamespaceAsync("other", shards: 1)).ExpectSuccess();
        var escape = await raw.SendAsync(new RawRequest("PUT", "/v1/kv/default/%2E%2E/other/k", "x"u8.ToArray()));
        Assert.True(escape is { Status: 400, IsCompleteProblem: true, Field: "path" }, escape.ToString());
        Assert.Empty((await fixture.Api.ListKeysAsync("other")).Ok().Items);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await fixture.Api.GetKeyAsync("default", "../other/k")).StatusCode);
        (await fixture.Api.DeleteNamespaceAsync("other")).ExpectSuccess();

        async Task<(int, string)> Read(string target)
        {
            var response = await raw.SendAsync(new RawRequest("GET", target));
            return (response.Status, response.Text);
        }
    }

    /// <summary>A valid media type (parameters, quoted strings) is stored and sent back exactly; the typed client refuses an invalid one too.</summary>
    [Fact]
    public async Task MediaTypes_ValidOnesAreKeptAndSentBack()
    {
        const string type = "application/vnd.platform+json; charset=utf-8; profile=\"a b;c\"";
        var put = await fixture.Raw.SendAsync(new RawRequest("PUT", "/v1/kv/default/media", "{}"u8.ToArray()).WithHeader("Content-Type", type));
        Assert.True(put.Status == 201, put.ToString());
        var get = await fixture.Raw.SendAsync(new RawRequest("GET", "/v1/kv/default/media"));
        Assert.Equal((200, type), (get.Status, get.ContentType));
    }

    /// <summary>The typed client refuses an invalid media type itself (named <c>contentType</c>), so no caller stores one HTTP could not send back.</summary>
    [Fact]
    public async Task TypedClient_RefusesAnInvalidMediaType()
    {
        var store = fixture.Service<IKeyValueStore>();
        var put = await Assert.ThrowsAsync<PlatformValidationException>(() =>
            store.PutAsync("default", "typed-media", "x"u8.ToArray(), new KeyValuePutOptions { ContentType = "text/plain\r\nX-Injected: 1" }));
        Assert.Equal("contentType", put.Field);

        var txn = await Assert.ThrowsAsync<PlatformValidationException>(() => store.Transaction(TxnNamespace)
            .Then(TransactionOp.Put(TxnKey, "x"u8.ToArray(), "text/pl\u00e4in")).CommitAsync());
        Assert.Equal("success[0].contentType", txn.Field);
        Assert.Equal("100", (await fixture.Api.GetKeyAsync(TxnNamespace, TxnKey)).Text);
        Assert.Null(await store.GetAsync("default", "typed-media"));
    }

    private IEnumerable<(RouteSample Route, JsonElement Operation)> JsonRoutes() =>
        Operations().Where(o => o.Operation.TryGetProperty("requestBody", out var body)
            && body.GetProperty("content").TryGetProperty("application/json", out _));

    /// <summary>Every operation of the API document with its sample (a route without one fails <see cref="EveryRoute_IsListedWithASample"/>).</summary>
    private IEnumerable<(RouteSample Route, JsonElement Operation)> Operations()
    {
        foreach (var path in _document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "get" or "put" or "post" or "delete" or "patch"))
            {
                var name = $"{operation.Name.ToUpperInvariant()} {path.Name.TrimEnd('/')}";
                var sample = _routes.FirstOrDefault(r => r.Route == name) ?? new RouteSample(name, new Dictionary<string, string>());
                yield return (sample, operation.Value);
            }
        }
    }

    private static IEnumerable<string> Parameters(JsonElement operation, string where) =>
        operation.TryGetProperty("parameters", out var parameters)
            ? parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == where).Select(p => p.GetProperty("name").GetString()!)
            : [];

    /// <summary>Bad values of a header, and a good one to send twice (null where a repeat is valid HTTP).</summary>
    private static (string[] Bad, string? Good) BadHeaderValues(string header, string method) => header.ToLowerInvariant() switch
    {
        "if-match" => (["abc", "W/\"1\"", "\"0\"", "\"-1\"", "\"1\", \"2\"", "*", "\"99999999999999999999\"", "\"\u00e9\"", "\"" + new string('1', 4000) + "\""], "\"1\""),
        "if-none-match" when method == "GET" => (["abc", "\"1", "W/", "\"1\" \"2\"", new string('x', 4000)], null),
        "if-none-match" => (["\"1\"", "abc", "W/\"1\"", "**"], "*"),
        "platform-fence" => (["nolock", $"{AnchorLock}:", $"{AnchorLock}:0", $"{AnchorLock}:-1", $"{AnchorLock}:abc", ":5", "bad lock!:5", $"{AnchorLock}:99999999999999999999", new string('l', 200) + ":5", "l\u00e9:5"], $"{AnchorLock}:1"),
        "content-type" => ([.. JsonMutations.BadMediaTypes.Where(t => !t.Any(char.IsControl) && t.Trim() == t)], "text/plain"),
        "platform-consistency" => (["psychic", "strongest", "strong eventual", "quorums", new string('s', 300), "ströng"], "strong"),
        "platform-context" => (["!!!", "AAAA", "AQAAAA", "AQAAAAAA", new string('A', 9000), "\u00e9"], "AQAAAAA"),
        "platform-session" => (["garbage", $"{Namespace}@x:0.1", $"{Namespace}@1:0.1,0.2", $"{Namespace}@1:a.1", $"{Namespace}@1:0.-1", "bad name@1:", "@1:0.1",
            $"{Namespace}@1:0.99999999999999999999", new string('a', 17000)], $"{Namespace}@1:0.1"),
        "platform-ttl-ms" or "platform-sliding-ms" => (["0", "-1", "abc", "1.5", "99999999999", "99999999999999999999"], "1000"),
        "platform-source-version" => (["0", "-1", "abc", "99999999999999999999"], "1"),
        "platform-tags" => (["bad tag", "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q", "t\u00e9"], null),
        "platform-owner-token" => (["two words", new string('o', 300), "t\u00e9"], Keeper),
        "platform-admin-token" => (["wrong", "x"], null),
        "last-event-id" => (["abc", "-1", "1.5", "99999999999999999999"], null),
        _ => throw new InvalidOperationException($"No bad values for header {header}: add them to BadHeaderValues so the header is covered."),
    };

    private static byte[] InvalidUtf8(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json).ToList();
        var quote = bytes.IndexOf((byte)'"', bytes.IndexOf((byte)':') + 1);
        bytes.Insert(quote + 1, 0xFF);
        return [.. bytes];
    }

    private static string Upper(string target) => Literals(target, s => s.ToUpperInvariant());

    private static string Capitalized(string target) => Literals(target, s => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..]);

    /// <summary>The target with its literal segments (v1, kv, namespaces, ...) changed; parameter values and the query stay.</summary>
    private static string Literals(string target, Func<string, string> change)
    {
        var query = target.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? target : target[..query];
        var segments = path.Split('/');
        string[] literals = ["v1", "kv", "namespaces", "shards", "locate", "txn", "locks", "semaphores", "elections", "cluster", "acquire", "renew", "release", "campaign", "proclaim", "resign", "watch", "topics", "groups", "records", "heartbeat", "offsets", "members", "fetch", "ack", "nack"];
        for (var i = 0; i < Math.Min(segments.Length, 3); i++)
        {
            segments[i] = literals.Contains(segments[i]) ? change(segments[i]) : segments[i];
        }

        if (segments.Length > 3 && literals.Contains(segments[^1]) && segments[1] != "kv")
        {
            segments[^1] = change(segments[^1]);
        }

        return string.Join('/', segments) + (query < 0 ? "" : target[query..]);
    }

    private static string Show(string value) => value.Length > 40 ? value[..40] + $"...({value.Length} chars)" : value;

    /// <summary>What an answer must be: null when it is, else why not.</summary>
    private static class Expect
    {
        public static readonly Func<RawResponse, string?> AnyProblem = r =>
            r.Error is { } error ? $"hung: {error}"
            : r.Status is < 400 or >= 500 ? $"expected a 4xx, got {r.Status}"
            : !r.IsCompleteProblem ? "not a complete problem+json answer"
            : null;

        public static Func<RawResponse, string?> BadRequest(string? field) => r =>
            AnyProblem(r) ?? (r.Status != 400 ? $"expected 400, got {r.Status}"
                : field is not null && r.Field != field ? $"expected field '{field}', got '{r.Field}'"
                : field is null && r.Field is null ? "the problem names no field"
                : null);

        public static Func<RawResponse, string?> Status(int status) => r =>
            AnyProblem(r) ?? (r.Status != status ? $"expected {status}, got {r.Status}" : null);
    }

    /// <summary>Sends bad requests one by one, comparing the stored state after each with the state before the first.</summary>
    private sealed class Probe
    {
        private readonly KestrelApiFixture _fixture;
        private readonly List<string> _failures = [];
        private readonly System.Diagnostics.Stopwatch _sinceRenewal = System.Diagnostics.Stopwatch.StartNew();
        private string _state;
        private int _cases;
        private int _wrong;

        private Probe(KestrelApiFixture fixture, string state)
        {
            _fixture = fixture;
            _state = state;
        }

        public static async Task<Probe> StartAsync(KestrelApiFixture fixture) => new(fixture, await fixture.SnapshotAsync());

        public async Task CheckAsync(string what, RawRequest request, Func<RawResponse, string?> expect)
        {
            _cases++;
            var failuresBefore = _failures.Count;
            var response = await _fixture.Raw.SendAsync(request);
            if (expect(response) is { } wrong)
            {
                _failures.Add($"{what}: {wrong}\n    sent {request}\n    got  {response}");
            }

            var state = await _fixture.SnapshotAsync();
            if (state != _state)
            {
                _failures.Add($"{what}: CHANGED STORED STATE\n    sent {request}\n    got  {response}\n    {Diff(_state, state)}");
                _state = state;
            }

            // A long probe on a loaded machine can outlive the anchors' 300 s leases, and a lease running out changes
            // the state with no request at all. Renew them now and then, after this request's comparison, and take
            // the renewed state as the new "before".
            if (_sinceRenewal.Elapsed > TimeSpan.FromSeconds(60))
            {
                await _fixture.RestoreAnchorsAsync();
                _state = await _fixture.SnapshotAsync();
                _sinceRenewal.Restart();
            }

            _wrong += _failures.Count > failuresBefore ? 1 : 0;
        }

        private static string Diff(string before, string after)
        {
            var a = before.Split('\n');
            var b = after.Split('\n');
            var lines = Enumerable.Range(0, Math.Max(a.Length, b.Length))
                .Where(i => i >= a.Length || i >= b.Length || a[i] != b[i])
                .Select(i => $"part {i}: before {(i < a.Length ? a[i] : "(none)")}\n      after  {(i < b.Length ? b[i] : "(none)")}");
            return string.Join("\n    ", lines);
        }

        public void AssertNoFailures(int minimumCases)
        {
            Assert.True(_cases >= minimumCases, $"only {_cases} cases ran (expected at least {minimumCases})");
            Assert.True(_failures.Count == 0, $"{_wrong} of {_cases} bad requests were answered wrongly or changed stored state:\n" + string.Join("\n", _failures.Take(60)));
        }
    }
}
