using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Platform.Testing.Cluster;
using Platform.Testing.Http;
using Platform.Testing.Network;
using Platform.Testing.Waiting;

namespace Platform.Tests.Api;

/// <summary>
/// A one-silo Memory cluster and the real HTTP host on Kestrel (not the in-memory TestServer, which has no raw request
/// target), so requests arrive as a client wrote them, byte for byte (<see cref="RawHttp"/>). It also holds the
/// anchors the bad-input suite checks after every request: a key in <c>default</c> and in a transactional namespace,
/// a namespace, a held lock, a semaphore with a holder and an election with a leader, a topic with records and a consumer group with a member.
/// </summary>
public sealed class KestrelApiFixture : IAsyncLifetime
{
    public const string AnchorKey = "bad-input/anchor";
    public const string AnchorValue = "anchor";
    public const string AnchorContentType = "text/plain; charset=utf-8";
    public const string TxnNamespace = "bad-txn";
    public const string TxnKey = "t-anchor";
    public const string Namespace = "bad-ns";
    public const string NewNamespace = "bad-ns-new";
    public const string CrdtNamespace = "bad-crdt";
    public const string SiblingsNamespace = "bad-siblings";
    public const string CrdtKey = "hits";
    public const string AnchorLock = "bad-lock";
    public const string AnchorSemaphore = "bad-sem";
    public const string AnchorElection = "bad-election";
    public const string Keeper = "keeper";
    public const string AnchorTopic = "bad-topic";
    public const string NewTopic = "bad-topic-new";
    public const string AnchorGroup = "bad-group";
    public const string AnchorShare = "bad-share";
    public const string AnchorCache = "bad-cache";
    public const string NewCache = "bad-cache-new";
    public const string AnchorSaga = "bad-saga";
    public const string NewSaga = "bad-saga-new";
    public const string AnchorSagaInstance = "bad-saga-instance";
    public const string AnchorService = "bad-svc";
    public const string AnchorInstance = "anchor";
    public const string AnchorRegistration = """{"address":"127.0.0.1","port":8080,"metadata":{"v":"1"},"tags":["anchor"],"weight":1}""";

    /// <summary>The anchor saga's one step: a call to a closed port, tried once, so the instance ends compensated at once.</summary>
    public const string AnchorSagaSteps = """{"steps":[{"name":"a","action":{"kind":"http","method":"POST","url":"http://127.0.0.1:9/none"},"retry":{"maxAttempts":1,"backoffMs":0,"jitter":false},"timeoutMs":1000}]}""";

    /// <summary>The longest lease the host allows (Platform:Locks:MaxLeaseMs default), renewed at the start of each test.</summary>
    public const int LeaseMs = 300_000;

    private PlatformTestCluster? _cluster;
    private WebApplicationFactory<Program>? _host;
    private HttpClient? _http;

    public RawHttp Raw { get; private set; } = null!;

    /// <summary>The API client over Kestrel, for setting up and reading state.</summary>
    public PlatformApiClient Api { get; private set; } = null!;

    /// <summary>The HTTP host's services (its endpoint data source).</summary>
    public IServiceProvider HostServices => _host?.Services ?? throw new InvalidOperationException("The host is not started.");

    /// <summary>A typed-client service of the cluster's client host, e.g. <c>Service&lt;IKeyValueStore&gt;()</c>.</summary>
    public T Service<T>()
        where T : notnull => (_cluster ?? throw new InvalidOperationException("The cluster is not started.")).Service<T>();

    public long LockToken { get; private set; }

    public long SemaphoreToken { get; private set; }

    public long ElectionTerm { get; private set; }

    /// <summary>The anchor group's one member (an hour's session, heartbeated at the start of each test) and its generation.</summary>
    public string GroupMember { get; private set; } = "";

    public long GroupGeneration { get; private set; }

    /// <summary>A lease of the anchor share group on the anchor topic (an hour's visibility), fetched again when it is no longer held.</summary>
    public string ShareLease { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _cluster = await PlatformTestCluster.StartAsync(new PlatformTestClusterOptions
        {
            Silos = 1,
            Storage = StorageMode.Memory,
            HttpHost = false,
            Settings = new Dictionary<string, string?>
            {
                ["Platform:KeyValue:MaxValueBytes"] = "65536",
                ["Platform:EventLog:MaxRecordBytes"] = "65536",
                ["Platform:EventLog:MaxBatchBytes"] = "65536",
                ["Platform:EventLog:MaxBatchRecords"] = "100",
                ["Platform:EventLog:MaxSessionTimeoutMs"] = "3600000",
            },
        });

        var port = FreePorts.Next();
        var host = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in _cluster.Settings)
            {
                web.UseSetting(key, value);
            }
        });
        host.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        host.StartServer();
        _host = host;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}") };
        Raw = new RawHttp("127.0.0.1", port);
        Api = new PlatformApiClient(_http);

        (await Api.CreateNamespaceAsync(TxnNamespace, shards: 2, transactional: true)).ExpectSuccess();
        (await Api.CreateNamespaceAsync(Namespace, shards: 3)).ExpectSuccess();
        (await Api.SendJsonAsync(HttpMethod.Put, $"/v1/namespaces/{CrdtNamespace}", new { shards = 1, replication = new { mode = "multi-leader", replicas = 1, conflicts = "crdt" } })).ExpectSuccess();
        (await Api.SendJsonAsync(HttpMethod.Put, $"/v1/namespaces/{SiblingsNamespace}", new { shards = 1, replication = new { mode = "multi-leader", replicas = 1, conflicts = "siblings" } })).ExpectSuccess();
        (await Api.SendJsonAsync(HttpMethod.Post, $"/v1/kv/{CrdtNamespace}/{CrdtKey}/counter", new { delta = 5 })).ExpectSuccess();
        (await Api.SendJsonAsync(HttpMethod.Post, $"/v1/kv/{CrdtNamespace}/{CrdtKey}-set/set", new { add = "anchor" })).ExpectSuccess();
        await RestoreAnchorsAsync();
    }

    /// <summary>
    /// Puts every anchor back as it was made and renews the leases (so none runs out while a test compares state
    /// before and after); a test that found a bad request accepted so leaves the next test an intact world.
    /// </summary>
    public async Task RestoreAnchorsAsync()
    {
        var anchor = await Api.GetKeyAsync("default", AnchorKey);
        if (anchor.Text != AnchorValue || anchor.ContentType != AnchorContentType)
        {
            (await Api.PutKeyAsync("default", AnchorKey, AnchorValue, new KeyValueConditions { ContentType = AnchorContentType })).ExpectSuccess();
        }

        if ((await Api.GetKeyAsync(TxnNamespace, TxnKey)).Text != "100")
        {
            (await Api.PutKeyAsync(TxnNamespace, TxnKey, "100")).ExpectSuccess();
        }

        if ((await Api.SendAsync(HttpMethod.Get, $"/v1/caches/{AnchorCache}/entries/{AnchorKey}")).StatusCode != HttpStatusCode.OK)
        {
            (await Api.SendJsonAsync(HttpMethod.Put, $"/v1/caches/{AnchorCache}", new { shards = 2, capacity = new { entries = 100 } })).ExpectSuccess();
            (await Api.SendAsync(HttpMethod.Put, $"/v1/caches/{AnchorCache}/entries/{Uri.EscapeDataString(AnchorKey)}", () => new StringContent(AnchorValue))).ExpectSuccess();
        }

        if ((await Api.GetAsync($"/v1/sagas/instances/{AnchorSagaInstance}")).StatusCode != HttpStatusCode.OK)
        {
            (await Api.SendAsync(HttpMethod.Put, $"/v1/sagas/definitions/{AnchorSaga}", () => new StringContent(AnchorSagaSteps, System.Text.Encoding.UTF8, "application/json"))).ExpectSuccess();
            (await Api.SendJsonAsync(HttpMethod.Post, $"/v1/sagas/{AnchorSaga}/instances", new { id = AnchorSagaInstance })).ExpectSuccess();
        }

        (await Api.SendAsync(HttpMethod.Put, $"/v1/services/{AnchorService}/instances/{AnchorInstance}",
            () => new StringContent(AnchorRegistration, System.Text.Encoding.UTF8, "application/json"), r => r.Headers.Add("Platform-Owner-Token", Keeper))).ExpectSuccess();

        if ((await Api.GetNamespaceAsync(Namespace)).StatusCode == HttpStatusCode.NotFound)
        {
            (await Api.CreateNamespaceAsync(Namespace, shards: 3)).ExpectSuccess();
        }

        if ((await Api.GetNamespaceAsync(NewNamespace)).StatusCode == HttpStatusCode.OK)
        {
            (await Api.DeleteNamespaceAsync(NewNamespace)).ExpectSuccess();
        }

        // A lease an accepted bad request granted to someone else runs out within its 1 s; wait for it.
        if (LockToken == 0 || !(await Api.RenewLockAsync(AnchorLock, Keeper, LockToken, LeaseMs)).IsSuccess)
        {
            LockToken = (await Api.AcquireLockAsync(AnchorLock, Keeper, LeaseMs, waitMs: 5000)).Ok().Token;
        }

        (await Api.SetPermitsAsync(AnchorSemaphore, 3)).ExpectSuccess();
        if (SemaphoreToken == 0 || !(await Api.RenewSemaphoreAsync(AnchorSemaphore, Keeper, SemaphoreToken, LeaseMs)).IsSuccess)
        {
            SemaphoreToken = (await Api.AcquireSemaphoreAsync(AnchorSemaphore, Keeper, count: 1, leaseMs: LeaseMs, waitMs: 5000)).Ok().Token;
        }

        await Eventually.Until(async ct => (await Api.GetSemaphoreAsync(AnchorSemaphore, ct)).Ok().Holders.Count == 1, "the semaphore anchor's only holder is the keeper");
        if (ElectionTerm == 0 || !(await Api.ProclaimAsync(AnchorElection, Keeper, ElectionTerm, LeaseMs)).IsSuccess)
        {
            ElectionTerm = (await Api.CampaignAsync(AnchorElection, Keeper, LeaseMs, waitMs: 5000)).Ok().Term;
        }

        if ((await Api.GetTopicAsync(AnchorTopic)).StatusCode == HttpStatusCode.NotFound)
        {
            (await Api.CreateTopicAsync(AnchorTopic, partitions: 2)).ExpectSuccess();
            (await Api.ProduceAsync(AnchorTopic, [("k1", "v1"), ("k2", "v2"), (null, "v3")])).ExpectSuccess();
        }

        if ((await Api.GetTopicAsync(NewTopic)).StatusCode == HttpStatusCode.OK)
        {
            (await Api.DeleteTopicAsync(NewTopic)).ExpectSuccess();
        }

        if (GroupMember.Length == 0 || !(await Api.HeartbeatAsync(AnchorGroup, GroupMember, GroupGeneration)).IsSuccess)
        {
            var joined = (await Api.JoinGroupAsync(AnchorGroup, [AnchorTopic], sessionTimeoutMs: 3_600_000, waitMs: 5000)).Ok();
            (GroupMember, GroupGeneration) = (joined.MemberId, joined.Generation);
        }

        if (ShareLease.Length == 0 || (await Api.DescribeShareGroupAsync(AnchorTopic, AnchorShare)).Ok().Partitions.Sum(p => p.Leased) != 1)
        {
            var lease = (await Api.ShareFetchAsync(AnchorTopic, AnchorShare, max: 1, visibilityMs: 3_600_000)).Ok().Items.SingleOrDefault();
            if (lease is null)
            {
                (await Api.ProduceAsync(AnchorTopic, [(null, "share")])).ExpectSuccess();
                lease = (await Api.ShareFetchAsync(AnchorTopic, AnchorShare, max: 1, visibilityMs: 3_600_000)).Ok().Items.Single();
            }

            ShareLease = lease.LeaseId;
        }
    }

    /// <summary>
    /// Everything the API can show of the stored state: every namespace's settings and keys (values, versions and
    /// content types), the anchor lock, semaphore and election. Two equal snapshots mean nothing changed.
    /// </summary>
    public async Task<string> SnapshotAsync()
    {
        var parts = new List<string>();
        var namespaces = (await Api.ListNamespacesAsync(limit: 1000)).Ok().Items;
        parts.Add(string.Join(",", namespaces));
        foreach (var ns in namespaces)
        {
            parts.Add((await Api.GetNamespaceAsync(ns)).Text);
            parts.Add((await Api.ListKeysAsync(ns, limit: 1000)).Text);
        }

        parts.Add((await Api.GetAsync($"/v1/kv/{CrdtNamespace}/{CrdtKey}/counter")).Text);
        parts.Add((await Api.GetAsync($"/v1/kv/{CrdtNamespace}/{CrdtKey}-set/set")).Text);
        parts.Add((await Api.GetLockAsync(AnchorLock)).Text);
        parts.Add((await Api.GetSemaphoreAsync(AnchorSemaphore)).Text);
        parts.Add((await Api.GetLeaderAsync(AnchorElection)).Text);
        var anchor = await Api.GetKeyAsync("default", AnchorKey);
        parts.Add($"{anchor.StatusCode} {anchor.ETag} {anchor.ContentType} {anchor.Text}");
        parts.Add((await Api.ListTopicsAsync(limit: 1000)).Text);
        parts.Add((await Api.GetTopicAsync(AnchorTopic)).Text);
        parts.Add((await Api.ReadAsync(AnchorTopic, 0)).Text);
        parts.Add((await Api.ReadAsync(AnchorTopic, 1)).Text);
        parts.Add((await Api.DescribeGroupAsync(AnchorGroup)).Text);
        parts.Add((await Api.DescribeShareGroupAsync(AnchorTopic, AnchorShare)).Text);
        parts.Add((await Api.GetAsync($"/v1/services/{AnchorService}")).Text);
        parts.Add((await Api.GetAsync("/v1/services?limit=1000")).Text);
        return string.Join("\n", parts);
    }

    /// <summary>The <c>/v1</c> routes the host maps, as <c>METHOD /pattern</c> with catch-alls written <c>{key}</c>.</summary>
    public IReadOnlyList<string> MappedRoutes() =>
    [
        .. HostServices.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/v1", StringComparison.OrdinalIgnoreCase) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => $"{m} {e.RoutePattern.RawText!.Replace("{**", "{", StringComparison.Ordinal).TrimEnd('/')}"))
            .Distinct()
            .Order(StringComparer.Ordinal),
    ];

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
