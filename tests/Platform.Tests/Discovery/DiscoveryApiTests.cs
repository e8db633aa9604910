using System.Net;
using System.Text.Json;
using Platform.Discovery;
using Platform.Testing.Waiting;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Discovery;

/// <summary>The registry over HTTP on the shared 2-silo cluster: owners, bad input, blocking queries, watches and resolve.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DiscoveryApiTests(ClusterFixture fixture)
{
    private static string NewService() => "svc-" + Guid.NewGuid().ToString("N")[..10];

    private static JsonElement Json(Testing.Http.ApiResponse response) => JsonDocument.Parse(response.Text).RootElement.Clone();

    /// <summary>A new instance answers 201, the same PUT again 200 and unchanged; another owner's PUT, heartbeat and DELETE are 409; an admin may remove it.</summary>
    [Fact]
    public async Task Register_CreatedThenOk_AnotherOwnerIsRefused_AndAnAdminMayRemove()
    {
        var api = fixture.Api;
        var service = NewService();
        var body = new { address = "10.0.0.1", port = 8080, ttlMs = 60_000, metadata = new { v = "1" }, tags = new[] { "blue" }, weight = 2, zone = "eu" };
        (await api.RegisterInstanceAsync(service, "a", body, owner: "team-a")).Expect(HttpStatusCode.Created);
        var again = Json((await api.RegisterInstanceAsync(service, "a", body, owner: "team-a")).Expect(HttpStatusCode.OK));
        Assert.True(again.GetProperty("owned").GetBoolean());
        Assert.False(again.TryGetProperty("owner", out _));

        var before = (await api.GetServiceAsync(service)).Text;
        await ProblemAssert.IsProblem(api.RegisterInstanceAsync(service, "a", body with { port = 9 }, owner: "team-b"), HttpStatusCode.Conflict);
        await ProblemAssert.IsProblem(api.HeartbeatInstanceAsync(service, "a", owner: "team-b"), HttpStatusCode.Conflict);
        await ProblemAssert.IsProblem(api.DeregisterInstanceAsync(service, "a"), HttpStatusCode.Conflict);
        Assert.Equal(before, (await api.GetServiceAsync(service)).Text);
        (await api.HeartbeatInstanceAsync(service, "a", owner: "team-a")).Expect(HttpStatusCode.OK);

        await fixture.Service<IServiceDiscovery>().DeregisterAsync(service, "a", owner: null, admin: true);
        await ProblemAssert.IsProblem(api.DeregisterInstanceAsync(service, "a", owner: "team-a"), HttpStatusCode.NotFound);
    }

    /// <summary>Port 0 or 70000, a negative weight, a TTL out of range, a check URL that is neither relative nor http(s): 400 naming the field, nothing stored changes.</summary>
    [Theory]
    [InlineData("""{"address":"10.0.0.1","port":0}""", "port")]
    [InlineData("""{"address":"10.0.0.1","port":70000}""", "port")]
    [InlineData("""{"address":"10.0.0.1","port":80,"weight":-1}""", "weight")]
    [InlineData("""{"address":"10.0.0.1","port":80,"ttlMs":-1}""", "ttlMs")]
    [InlineData("""{"address":"10.0.0.1","port":80,"ttlMs":10}""", "ttlMs")]
    [InlineData("""{"address":"10.0.0.1","port":80,"ttlMs":999999999}""", "ttlMs")]
    [InlineData("""{"address":"10.0.0.1","port":80,"check":{"http":"ftp://10.0.0.1/h"}}""", "check.http")]
    [InlineData("""{"address":"10.0.0.1","port":80,"check":{"http":"healthz"}}""", "check.http")]
    [InlineData("""{"address":"10.0.0.1","port":80,"check":{"http":"/h","tcp":true}}""", "check")]
    [InlineData("""{"address":"10.0.0.1","port":80,"check":{"tcp":true,"intervalMs":1}}""", "check.intervalMs")]
    [InlineData("""{"address":"10.0.0.1","port":80,"check":{"tcp":true,"fall":0}}""", "check.fall")]
    [InlineData("""{"address":"10.0.0.1","port":80,"scheme":"gopher"}""", "scheme")]
    [InlineData("""{"address":"a b","port":80}""", "address")]
    [InlineData("""{"port":80}""", "address")]
    public async Task BadRegistration_Is400NamingTheField_AndChangesNothing(string json, string field)
    {
        var api = fixture.Api;
        var service = NewService();
        (await api.RegisterInstanceAsync(service, "keep", new { address = "10.0.0.2", port = 81 })).Expect(HttpStatusCode.Created);
        var before = (await api.GetServiceAsync(service)).Text;
        var problem = await ProblemAssert.IsProblem(api.RegisterInstanceAsync(service, "keep", json), HttpStatusCode.BadRequest);
        Assert.Equal(field, problem.Field);
        problem = await ProblemAssert.IsProblem(api.RegisterInstanceAsync(service, "new", json), HttpStatusCode.BadRequest);
        Assert.Equal(field, problem.Field);
        Assert.Equal(before, (await api.GetServiceAsync(service)).Text);
    }

    /// <summary>An unknown strategy, consistent hashing without a key, a blocking wait over the limit: 400 naming the parameter.</summary>
    [Fact]
    public async Task BadResolveAndQueryParameters_Are400NamingThem()
    {
        var api = fixture.Api;
        var service = NewService();
        (await api.RegisterInstanceAsync(service, "a", new { address = "10.0.0.3", port = 80 })).ExpectSuccess();
        Assert.Equal("strategy", (await ProblemAssert.IsProblem(api.ResolveAsync(service, "astrology"), HttpStatusCode.BadRequest)).Field);
        Assert.Equal("key", (await ProblemAssert.IsProblem(api.ResolveAsync(service, "consistent-hash"), HttpStatusCode.BadRequest)).Field);
        Assert.Equal("waitMs", (await ProblemAssert.IsProblem(api.GetServiceAsync(service, 0, 999_999), HttpStatusCode.BadRequest)).Field);
        Assert.Equal("index", (await ProblemAssert.IsProblem(api.GetServiceAsync(service, -1), HttpStatusCode.BadRequest)).Field);
        await ProblemAssert.IsProblem(api.ResolveAsync(NewService()), HttpStatusCode.NotFound);
    }

    /// <summary>A blocking query at the current index waits for the next change and answers exactly the changes after it, in order.</summary>
    [Fact]
    public async Task BlockingQuery_WaitsForTheNextChange_AndAnswersTheChangesAfterTheIndexInOrder()
    {
        var api = fixture.Api;
        var service = NewService();
        (await api.RegisterInstanceAsync(service, "a", new { address = "10.0.0.4", port = 80 })).ExpectSuccess();
        var index = Json(await api.GetServiceAsync(service)).GetProperty("index").GetInt64();

        var waiting = api.GetServiceAsync(service, index, 15_000);
        Assert.False(waiting.IsCompleted);
        (await api.RegisterInstanceAsync(service, "b", new { address = "10.0.0.5", port = 80 })).ExpectSuccess();
        (await api.DeregisterInstanceAsync(service, "a")).Expect(HttpStatusCode.NoContent);
        var first = Json((await waiting).ExpectSuccess());
        Assert.Equal(index + 1, first.GetProperty("changes")[0].GetProperty("index").GetInt64());
        Assert.Equal("b", first.GetProperty("changes")[0].GetProperty("id").GetString());

        var all = Json((await api.GetServiceAsync(service, index, 0)).ExpectSuccess());
        Assert.Equal([(index + 1, "registered", "b"), (index + 2, "deregistered", "a")],
            all.GetProperty("changes").EnumerateArray().Select(c => (c.GetProperty("index").GetInt64(), c.GetProperty("kind").GetString(), c.GetProperty("id").GetString())));
        Assert.Equal(["b"], all.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        Assert.False(all.GetProperty("reset").GetBoolean());
    }

    /// <summary>
    /// The SSE watch delivers every change once and in index order; a second watch opened from the last event id (a
    /// client that reconnected, as after a client host restart) gets exactly the changes after it, none twice.
    /// </summary>
    [Fact]
    public async Task Watch_DeliversEachChangeOnceInOrder_AndResumesFromTheLastEventId()
    {
        var api = fixture.Api;
        var service = NewService();
        (await api.RegisterInstanceAsync(service, "i00", new { address = "10.0.1.0", port = 80 })).ExpectSuccess();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = new List<(string Event, long Id, string? Instance)>();
        var firstWatch = Task.Run(async () =>
        {
            await foreach (var e in api.WatchServiceAsync(service, cancellationToken: cts.Token))
            {
                seen.Add((e.Event, e.Id, e.Event == "change" ? e.Data.GetProperty("id").GetString() : null));
                if (seen.Count == 6)
                {
                    return;
                }
            }
        }, cts.Token);

        await Eventually.Until(() => seen.Count >= 1, "the snapshot");
        for (var i = 1; i <= 8; i++)
        {
            (await api.RegisterInstanceAsync(service, $"i{i:D2}", new { address = "10.0.1." + i, port = 80 })).ExpectSuccess();
        }

        await firstWatch;
        var snapshotIndex = seen[0].Id;
        Assert.Equal("snapshot", seen[0].Event);
        Assert.Equal([.. Enumerable.Range(1, 5).Select(i => snapshotIndex + i)], seen.Skip(1).Select(s => s.Id));
        Assert.Equal(["i01", "i02", "i03", "i04", "i05"], seen.Skip(1).Select(s => s.Instance));

        var resumed = new List<(long Id, string? Instance)>();
        await foreach (var e in api.WatchServiceAsync(service, lastEventId: seen[^1].Id, cancellationToken: cts.Token))
        {
            resumed.Add((e.Id, e.Data.GetProperty("id").GetString()));
            if (resumed.Count == 3)
            {
                break;
            }
        }

        Assert.Equal([(snapshotIndex + 6, "i06"), (snapshotIndex + 7, "i07"), (snapshotIndex + 8, "i08")], resumed);
    }

    /// <summary>Resolve on HTTP: weighted follows the weights, round robin alternates, one key goes to one instance under consistent hashing.</summary>
    [Fact]
    public async Task Resolve_WeightedRoundRobinAndConsistentHash_OverHttp()
    {
        var api = fixture.Api;
        var service = NewService();
        (await api.RegisterInstanceAsync(service, "a", new { address = "10.0.2.1", port = 80, weight = 3 })).ExpectSuccess();
        (await api.RegisterInstanceAsync(service, "b", new { address = "10.0.2.2", port = 80, weight = 1 })).ExpectSuccess();
        async Task<string> Resolve(string strategy, string? key = null) => Json((await api.ResolveAsync(service, strategy, key)).ExpectSuccess()).GetProperty("id").GetString()!;

        var weighted = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            weighted.Add(await Resolve("weighted"));
        }

        Assert.Equal(30, weighted.Count(id => id == "a"));
        var rr = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            rr.Add(await Resolve("round-robin"));
        }

        Assert.True(rr[0] != rr[1] && rr[1] != rr[2] && rr[2] != rr[3], string.Join(",", rr));
        var key = await Resolve("consistent-hash", "user-7");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(key, await Resolve("consistent-hash", "user-7"));
        }
    }
}
