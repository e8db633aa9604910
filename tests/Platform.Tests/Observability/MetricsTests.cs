using System.Net;
using System.Text.RegularExpressions;
using Platform.Testing.Http;
using Platform.Testing.Waiting;

namespace Platform.Tests.Observability;

/// <summary>The platform's own instruments on <c>/metrics</c> after real work in every building block.</summary>
[Collection(ObservabilityCollection.Name)]
public sealed partial class MetricsTests(ObservabilityFixture fixture)
{
    private const string SecretKey = "key-never-a-label-7f3a";

    private PlatformApiClient Api => fixture.Api;

    /// <summary>
    /// After key-value writes and reads, a lock grant, a transaction, produce and read, cache hits and misses, a saga
    /// and a service registration, one scrape carries each block's counters and histograms labelled by names
    /// (namespace, lock, topic, cache, service, saga definition), op and outcome, and no key appears anywhere.
    /// </summary>
    [Fact]
    public async Task Scrape_AfterTrafficInEveryBlock_CarriesEachBlocksInstrumentsWithNamesButNeverKeys()
    {
        const string ns = "metrics-ns";
        (await Api.CreateNamespaceAsync(ns, shards: 4)).ExpectSuccess();
        (await Api.CreateNamespaceAsync("metrics-bank", shards: 2, transactional: true)).ExpectSuccess();
        for (var i = 0; i < 5; i++)
        {
            (await Api.PutKeyAsync(ns, $"{SecretKey}-{i}", "v")).ExpectSuccess();
            Assert.Equal(HttpStatusCode.OK, (await Api.GetKeyAsync(ns, $"{SecretKey}-{i}")).StatusCode);
        }

        (await Api.SendJsonAsync(HttpMethod.Put, "/v1/namespaces/metrics-repl", new { shards = 1, replication = new { mode = "leader", replicas = 1, ack = "majority" } })).ExpectSuccess();
        (await Api.PutKeyAsync("metrics-repl", SecretKey, "12345")).ExpectSuccess();
        (await Api.AcquireLockAsync("metrics.lock", "w1", leaseMs: 30_000)).ExpectSuccess();
        (await Api.TransactAsync(new { @namespace = "metrics-bank", success = new[] { new { op = "put", key = SecretKey, value = "1" } } })).ExpectSuccess();
        (await Api.CreateTopicAsync("metrics-topic", partitions: 1)).ExpectSuccess();
        (await Api.ProduceAsync("metrics-topic", [(SecretKey, "v1"), (null, "v2")])).ExpectSuccess();
        (await Api.ReadAsync("metrics-topic", 0)).ExpectSuccess();
        (await Api.SendJsonAsync(HttpMethod.Put, "/v1/caches/metrics-cache", new { shards = 1, capacity = new { entries = 10 } })).ExpectSuccess();
        (await Api.SendAsync(HttpMethod.Put, $"/v1/caches/metrics-cache/entries/{SecretKey}", () => new StringContent("v"))).ExpectSuccess();
        Assert.Equal(HttpStatusCode.OK, (await Api.SendAsync(HttpMethod.Get, $"/v1/caches/metrics-cache/entries/{SecretKey}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.SendAsync(HttpMethod.Get, "/v1/caches/metrics-cache/entries/absent")).StatusCode);
        (await Api.SendJsonAsync(HttpMethod.Put, "/v1/services/metrics-svc/instances/i1", new { address = "127.0.0.1", port = 8080 })).ExpectSuccess();
        (await Api.SendAsync(HttpMethod.Put, "/v1/sagas/definitions/metrics-saga", () => new StringContent(
            """{"steps":[{"name":"a","action":{"kind":"http","method":"POST","url":"http://127.0.0.1:9/none"},"retry":{"maxAttempts":1,"backoffMs":0,"jitter":false},"timeoutMs":1000}]}""",
            System.Text.Encoding.UTF8, "application/json"))).ExpectSuccess();
        (await Api.SendJsonAsync(HttpMethod.Post, "/v1/sagas/metrics-saga/instances", new { id = "metrics-saga-1" })).ExpectSuccess();

        var text = "";
        await Eventually.Until(async ct =>
        {
            text = (await Api.GetAsync("/metrics", ct)).Text;
            // The transition is recorded after the step's attempt: wait for both, or a scrape between them misses it.
            // The replica reports after its Raft step applies the write, which may follow the answer.
            return text.Contains("platform_sagas_step_duration_seconds_count", StringComparison.Ordinal)
                && text.Contains("platform_sagas_transitions_total", StringComparison.Ordinal)
                && TryGauge(text, "platform_replication_shard_bytes", "namespace=\"metrics-repl\"") > 0;
        }, "the saga's step attempt and its transition, and the replicated shard's bytes, appear on /metrics", state: () => string.Join(", ", Families(text)));

        var families = Families(text);
        string[] expected =
        [
            "platform_kv_operations_total", "platform_kv_duration_seconds", "platform_kv_shard_keys", "platform_kv_shard_bytes",
            "platform_sharding_operations_total", "platform_locks_grants_total", "platform_locks_operations_total",
            "platform_txn_commits_total", "platform_txn_duration_seconds", "platform_eventlog_produced_total",
            "platform_eventlog_consumed_total", "platform_eventlog_consumer_lag", "platform_caches_hits_total",
            "platform_caches_misses_total", "platform_sagas_transitions_total", "platform_sagas_step_duration_seconds",
            "platform_discovery_instances", "platform_txn_shard_keys", "platform_txn_shard_bytes", "platform_txn_shards",
            "platform_replication_shard_keys", "platform_replication_shard_bytes",
        ];
        Assert.All(expected, f => Assert.Contains(f, families));
        Assert.Matches(Series("platform_kv_operations_total", "namespace=\"metrics-ns\"", "op=\"Write\"", "outcome=\"ok\""), text);
        Assert.Matches(Series("platform_kv_shard_keys", "namespace=\"metrics-ns\""), text);
        Assert.Matches(Series("platform_locks_grants_total", "lock=\"metrics.lock\"", "path=\"immediate\""), text);
        Assert.Matches(Series("platform_txn_commits_total", "namespace=\"metrics-bank\"", "branch=\"success\""), text);
        Assert.Equal(1, Gauge(text, "platform_txn_shard_keys", "namespace=\"metrics-bank\""));
        Assert.Equal(1, Gauge(text, "platform_txn_shard_bytes", "namespace=\"metrics-bank\""));
        Assert.InRange(Gauge(text, "platform_txn_shards", "namespace=\"metrics-bank\""), 1, 2);
        Assert.Equal(1, Gauge(text, "platform_replication_shard_keys", "namespace=\"metrics-repl\""));
        Assert.Equal(5, Gauge(text, "platform_replication_shard_bytes", "namespace=\"metrics-repl\""));
        Assert.Matches(Series("platform_eventlog_produced_total", "topic=\"metrics-topic\""), text);
        Assert.Matches(Series("platform_caches_misses_total", "cache=\"metrics-cache\""), text);
        Assert.Matches(Series("platform_discovery_instances", "service=\"metrics-svc\""), text);
        Assert.DoesNotContain(SecretKey, text, StringComparison.Ordinal);
    }

    private static double Gauge(string text, string family, params string[] labels) =>
        TryGauge(text, family, labels) ?? throw new Xunit.Sdk.XunitException($"no {family} series with {string.Join(", ", labels)}");

    // The value of the first series of the family with these labels (the exporter may write a timestamp after it).
    private static double? TryGauge(string text, string family, params string[] labels)
    {
        var series = Series(family, labels).Match(text);
        if (!series.Success)
        {
            return null;
        }

        var end = text.IndexOf('\n', series.Index + series.Length);
        return double.Parse(text[(series.Index + series.Length)..(end < 0 ? text.Length : end)].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static HashSet<string> Families(string text) => [.. TypeLine().Matches(text).Select(m => m.Groups[1].Value)];

    // A series of the family whose labels include every one given (in any order).
    private static Regex Series(string family, params string[] labels) =>
        new($"^{Regex.Escape(family)}\\{{{string.Concat(labels.Select(l => $"(?=[^}}]*{Regex.Escape(l)})"))}[^}}]*\\}} ", RegexOptions.Multiline);

    [GeneratedRegex(@"^# TYPE (\S+)", RegexOptions.Multiline)]
    private static partial Regex TypeLine();
}
