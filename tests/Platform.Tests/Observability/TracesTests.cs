using System.Diagnostics;
using System.Net;
using Platform.Testing.Http;
using Platform.Testing.Waiting;

namespace Platform.Tests.Observability;

/// <summary>One trace per request: the HTTP span, the typed client's grain calls and the grains' own calls down to storage.</summary>
[Collection(ObservabilityCollection.Name)]
public sealed class TracesTests(ObservabilityFixture fixture)
{
    private PlatformApiClient Api => fixture.Api;

    /// <summary>
    /// A PUT of a key is one trace whose root is the HTTP server span; the key-value shard's Write is a client span
    /// under it (Orleans activity propagation) and the grain's server span is that client span's child.
    /// </summary>
    [Fact]
    public async Task Put_IsOneTrace_FromTheHttpSpanThroughTheShardGrainCall()
    {
        (await Api.CreateNamespaceAsync("trace-ns", shards: 2)).ExpectSuccess();
        var put = await Api.SendAsync(HttpMethod.Put, "/v1/kv/trace-ns/k1", () => new StringContent("v"));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        var spans = await TraceAsync("/v1/kv/trace-ns/k1", s => s.Any(a => a.Kind == ActivityKind.Server && a.DisplayName.EndsWith("IKeyValueShardGrain/Write", StringComparison.Ordinal)));
        var http = Assert.Single(spans, a => a.Source.Name == "Microsoft.AspNetCore" && a.Kind == ActivityKind.Server);
        var write = Assert.Single(spans, a => a.Kind == ActivityKind.Client && a.DisplayName.EndsWith("IKeyValueShardGrain/Write", StringComparison.Ordinal));
        var served = Assert.Single(spans, a => a.Kind == ActivityKind.Server && a.DisplayName.EndsWith("IKeyValueShardGrain/Write", StringComparison.Ordinal));
        Assert.Equal("Microsoft.Orleans.Application", write.Source.Name);
        Assert.True(IsAncestor(spans, http, write), Tree(spans));
        Assert.Equal(write.SpanId, served.ParentSpanId);
    }

    /// <summary>
    /// A transaction is one trace: the HTTP span, the coordinator's Execute, each transactional shard's calls under
    /// it, and the shards' state reads and writes (memory storage grain calls here, Azure Table spans in a cluster).
    /// </summary>
    [Fact]
    public async Task Transaction_IsOneTrace_FromTheHttpSpanThroughCoordinatorAndShardsToStorage()
    {
        (await Api.CreateNamespaceAsync("trace-bank", shards: 2, transactional: true)).ExpectSuccess();
        var body = """{"namespace":"trace-bank","success":[{"op":"put","key":"a","value":"1"},{"op":"put","key":"b","value":"2"}]}""";
        var txn = await Api.SendAsync(HttpMethod.Post, "/v1/txn", () => new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, txn.StatusCode);

        var spans = await TraceAsync("/v1/txn", s => s.Any(a => a.Kind == ActivityKind.Server && a.DisplayName.EndsWith("ITransactionCoordinatorGrain/Execute", StringComparison.Ordinal))
            && s.Any(a => a.Source.Name == "Microsoft.Orleans.Storage"));
        var http = Assert.Single(spans, a => a.Source.Name == "Microsoft.AspNetCore" && a.Kind == ActivityKind.Server);
        var execute = Assert.Single(spans, a => a.Kind == ActivityKind.Server && a.DisplayName.EndsWith("ITransactionCoordinatorGrain/Execute", StringComparison.Ordinal));
        var shardCalls = spans.Where(a => a.Kind == ActivityKind.Server && a.DisplayName.Contains("ITransactionShardGrain/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(shardCalls);
        Assert.True(IsAncestor(spans, http, execute), Tree(spans));
        Assert.All(shardCalls, s => Assert.True(IsAncestor(spans, execute, s), Tree(spans)));
        Assert.Contains(spans, a => a.Source.Name == "Microsoft.Orleans.Storage" && IsAncestor(spans, http, a));
    }

    private static bool IsAncestor(List<Activity> spans, Activity ancestor, Activity span)
    {
        var byId = spans.ToDictionary(s => s.SpanId);
        for (var current = span; byId.TryGetValue(current.ParentSpanId, out var parent); current = parent)
        {
            if (parent.SpanId == ancestor.SpanId)
            {
                return true;
            }
        }

        return false;
    }

    private static string Tree(List<Activity> spans) =>
        string.Join("\n", spans.Select(s => $"{s.SpanId} <- {s.ParentSpanId} {s.Kind} {s.Source.Name} {s.DisplayName}"));

    // The spans of the trace of the (last) HTTP request to path, once complete says all arrived.
    private async Task<List<Activity>> TraceAsync(string path, Func<List<Activity>, bool> complete)
    {
        List<Activity> spans = [];
        await Eventually.Until(() =>
        {
            var request = fixture.Spans.LastOrDefault(s => s.Source.Name == "Microsoft.AspNetCore" && Equals(s.GetTagItem("url.path"), path));
            spans = request is null ? [] : [.. fixture.Spans.Where(s => s.TraceId == request.TraceId)];
            return request is not null && complete(spans);
        }, $"the spans of the trace of {path} are exported", state: () => Tree(spans));
        return spans;
    }
}
