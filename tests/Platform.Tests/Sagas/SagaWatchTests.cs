using System.Net;
using Platform.Sagas;
using Platform.Testing.Stubs;

namespace Platform.Tests.Sagas;

/// <summary>Watching an instance: the typed client's WatchAsync and the SSE route, resumable by revision.</summary>
[Collection(SagasCollection.Name)]
public sealed class SagaWatchTests(SagasFixture fixture)
{
    private static readonly string[] StepNames = ["create", "charge"];

    private StubService Stub => fixture.Stub;

    /// <summary>WatchAsync yields the instance's transitions with growing revisions and ends at rest; resumed after a revision it yields only what came later; the SSE route sends the same views with the revision as event id and honours Last-Event-ID.</summary>
    [Fact]
    public async Task Watch_YieldsTransitionsUntilAtRest_AndResumesAfterARevision()
    {
        var saga = $"watch-{Guid.NewGuid():N}"[..20];
        Stub.Fail($"/{saga}/charge", 2);
        await fixture.Sagas.PutDefinitionAsync(saga, [.. StepNames.Select(s => new SagaStep
        {
            Name = s,
            Action = new SagaOperation { Kind = "http", Method = "POST", Url = $"{Stub.Base}/{saga}/{s}" },
            Retry = new SagaRetry { MaxAttempts = 3, BackoffMs = 200, Jitter = false },
        })]);
        var id = $"{saga}-i";
        await fixture.Sagas.StartAsync(saga, id, "{}");
        var seen = new List<SagaInstanceView>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var view in fixture.Sagas.WatchAsync(id, cancellationToken: timeout.Token))
        {
            seen.Add(view);
        }

        Assert.True(seen.Count >= 2, $"{seen.Count} views");
        Assert.Equal(SagaStates.Completed, seen[^1].State);
        Assert.All(seen.Zip(seen.Skip(1)), p => Assert.True(p.Second.Revision > p.First.Revision));
        Assert.Contains(seen, v => v.History.Any(a => a.Step == "charge" && a.Attempt == 2));

        var resumed = new List<SagaInstanceView>();
        await foreach (var view in fixture.Sagas.WatchAsync(id, seen[0].Revision, timeout.Token))
        {
            resumed.Add(view);
        }

        Assert.Equal([seen[^1].Revision], resumed.Select(v => v.Revision));

        var stream = await fixture.Api.GetAsync($"/v1/sagas/instances/{id}/watch", timeout.Token);
        stream.Expect(HttpStatusCode.OK);
        Assert.Contains("event: saga", stream.Text, StringComparison.Ordinal);
        Assert.Contains($"id: {seen[^1].Revision}", stream.Text, StringComparison.Ordinal);
        var after = await fixture.Api.SendAsync(HttpMethod.Get, $"/v1/sagas/instances/{id}/watch", configure: r => r.Headers.Add("Last-Event-ID", $"{seen[^1].Revision}"), cancellationToken: timeout.Token);
        after.Expect(HttpStatusCode.OK);
        Assert.DoesNotContain("event: saga", after.Text, StringComparison.Ordinal);
        var bad = await fixture.Api.SendAsync(HttpMethod.Get, $"/v1/sagas/instances/{id}/watch", configure: r => r.Headers.Add("Last-Event-ID", "x"), cancellationToken: timeout.Token);
        Assert.Contains("Last-Event-ID", bad.Expect(HttpStatusCode.BadRequest).Text, StringComparison.Ordinal);
        (await fixture.Api.GetAsync($"/v1/sagas/instances/{id}-none/watch", timeout.Token)).Expect(HttpStatusCode.NotFound);
    }
}
