using System.Net;
using Platform.ClusterTests.Harness;
using Platform.Testing.Http;
using Platform.Testing.Waiting;
using Xunit.Abstractions;

namespace Platform.ClusterTests.Cluster;

/// <summary>
/// docs/api.md: when a client host cannot reach the cluster, it answers 503 with <c>Retry-After</c> (a
/// ProblemDetails), never 500 and never a hang. A <see cref="PinnedClientHost"/> has one gateway only; SIGKILL that
/// silo and the host has none.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class GatewayLossTests(ThreeSiloCluster cluster, ITestOutputHelper output)
{
    /// <summary>
    /// After its only gateway silo is SIGKILLed, the pinned host answers a PUT (not retried by the host) 503 with
    /// Retry-After and a complete problem body; no answer is a 500; once the silo is back, the same PUT succeeds.
    /// </summary>
    [Fact]
    public Task Put_ThroughAHostWhoseOnlyGatewayWasKilled_Answers503WithRetryAfter_AndSucceedsOnceItIsBack() => cluster.RunAsync(output, async () =>
    {
        await cluster.EnsureHealthyAsync();
        var ns = $"gw-{Guid.NewGuid().ToString("N")[..8]}";
        (await cluster.Api.CreateNamespaceAsync(ns, shards: 2)).ExpectSuccess();
        var victim = 1;
        using var pinned = await cluster.StartPinnedClientHostAsync(victim);
        var api = pinned.Api.With(new PlatformApiClientOptions { RequestTimeout = TimeSpan.FromSeconds(20) });
        (await api.PutKeyAsync(ns, "before", "1")).ExpectSuccess();

        cluster.KillSilo(victim);
        var seen = new List<int>();
        var refused = await Eventually.Until(
            async ct =>
            {
                var answer = await api.PutKeyAsync(ns, $"during-{seen.Count}", "1", cancellationToken: ct);
                seen.Add(answer.Status);
                Assert.True(answer.Status != 500, $"a 500 while the gateway is gone: {answer.Text}");
                return answer;
            },
            a => a.StatusCode == HttpStatusCode.ServiceUnavailable,
            "a 503 from the host whose only gateway was killed",
            new EventuallyOptions { Timeout = TimeSpan.FromSeconds(90), Interval = TimeSpan.FromMilliseconds(250), Describe = _ => $"answers so far: {string.Join(", ", seen)}" });
        output.WriteLine($"answers after the kill: {string.Join(", ", seen)}; 503 Retry-After {refused.RetryAfter}: {refused.Text}");
        Assert.NotNull(refused.RetryAfter);
        Assert.True(refused.Problem is { IsComplete: true, Status: 503 }, $"not a complete problem body: {refused.Text}");
        Assert.DoesNotContain(seen, s => s is >= 200 and < 300);

        await cluster.RestartSiloAsync(victim);
        await Eventually.Until(ct => api.PutKeyAsync(ns, "after", "1", cancellationToken: ct), a => a.IsSuccess, "the pinned host to serve again once its gateway is back",
            new EventuallyOptions { Timeout = TimeSpan.FromSeconds(90), Interval = TimeSpan.FromMilliseconds(500) });
    });
}
