using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using Platform.Tests.Infrastructure;
using static Platform.Tests.Locks.LockHttp;

namespace Platform.Tests.Locks;

[Collection(ClusterCollection.Name)]
public sealed class ElectionsHttpTests(ClusterFixture fixture)
{
    private HttpClient Http => fixture.Http;

    /// <summary>Ten candidates campaign at once without waiting: exactly one becomes leader, the others get 409 naming it.</summary>
    [Fact]
    public async Task Campaign_ConcurrentCandidates_ElectExactlyOneLeader()
    {
        const string url = "/v1/elections/one-leader";
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
        {
            using var response = await Post(Http, $"{url}/campaign", new { candidate = $"c{i}", leaseMs = 10_000 });
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));

        var winners = answers.Where(a => a.StatusCode == HttpStatusCode.OK).ToList();
        Assert.Single(winners);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        var leader = JsonDocument.Parse(winners[0].Body).RootElement;
        var current = await Status(Http, url);
        Assert.Equal(leader.GetProperty("leader").GetString(), current.GetProperty("leader").GetString());
        Assert.Equal(leader.GetProperty("term").GetInt64(), current.GetProperty("term").GetInt64());

        using var resign = await Post(Http, $"{url}/resign", new { candidate = leader.GetProperty("leader").GetString(), term = leader.GetProperty("term").GetInt64() });
        Assert.Equal(HttpStatusCode.NoContent, resign.StatusCode);
    }

    /// <summary>
    /// A leader that stops proclaiming is replaced, once its lease ran out, by the waiting candidate with a higher
    /// term; after a resignation a third candidate leads. The SSE watch reports each new leader exactly once, in order.
    /// </summary>
    [Fact]
    public async Task Campaign_WhenLeaderStopsRenewing_NextCandidateLeadsWithHigherTermAndWatchReportsEachChangeOnce()
    {
        const string url = "/v1/elections/watched";
        using var watching = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var events = Channel.CreateUnbounded<JsonElement>();
        using var stream = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"{url}/watch"), HttpCompletionOption.ResponseHeadersRead, watching.Token);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        var reader = Task.Run(() => ReadEvents(stream, events.Writer, watching.Token));

        var initial = await events.Reader.ReadAsync(watching.Token);
        Assert.Null(LeaderOf(initial));

        var a = await PostOk(Http, $"{url}/campaign", new { candidate = "a", leaseMs = 500 });
        var b = await PostOk(Http, $"{url}/campaign", new { candidate = "b", leaseMs = 10_000, waitMs = 20_000 });
        Assert.Equal("b", b.GetProperty("leader").GetString());
        Assert.True(b.GetProperty("term").GetInt64() > a.GetProperty("term").GetInt64());
        await PostConflict(Http, $"{url}/proclaim", new { candidate = "a", term = a.GetProperty("term").GetInt64() });

        using (var resign = await Post(Http, $"{url}/resign", new { candidate = "b", term = b.GetProperty("term").GetInt64() }))
        {
            Assert.Equal(HttpStatusCode.NoContent, resign.StatusCode);
        }

        var c = await PostOk(Http, $"{url}/campaign", new { candidate = "c", leaseMs = 10_000 });
        var proclaimed = await PostOk(Http, $"{url}/proclaim", new { candidate = "c", term = c.GetProperty("term").GetInt64(), leaseMs = 10_000 });
        Assert.Equal(c.GetProperty("term").GetInt64(), proclaimed.GetProperty("term").GetInt64());

        var seen = new List<JsonElement>();
        var cTerm = c.GetProperty("term").GetInt64();
        while (!seen.Any(e => e.GetProperty("term").GetInt64() == cTerm && LeaderOf(e) == "c"))
        {
            seen.Add(await events.Reader.ReadAsync(watching.Token));
        }

        await watching.CancelAsync();
        await Task.WhenAny(reader);
        var leaders = seen.Where(e => LeaderOf(e) is not null).Select(e => (LeaderOf(e), e.GetProperty("term").GetInt64())).ToList();
        Assert.Equal([("a", a.GetProperty("term").GetInt64()), ("b", b.GetProperty("term").GetInt64()), ("c", cTerm)], leaders);
        for (var i = 1; i < seen.Count; i++)
        {
            Assert.NotEqual(seen[i - 1].ToString(), seen[i].ToString());
        }

        using var resignC = await Post(Http, $"{url}/resign", new { candidate = "c", term = cTerm });
        Assert.Equal(HttpStatusCode.NoContent, resignC.StatusCode);
    }

    /// <summary>Bad campaign input is a 400 naming the field.</summary>
    [Theory]
    [InlineData("""{"leaseMs":1000}""", "candidate")]
    [InlineData("""{"candidate":"x","leaseMs":1}""", "leaseMs")]
    [InlineData("""{"candidate":"x","waitMs":-5}""", "waitMs")]
    public async Task Campaign_WithBadInput_Returns400NamingTheField(string body, string field)
    {
        using var response = await Http.PostAsync("/v1/elections/bad-input/campaign", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
        Assert.Equal(field, problem.GetProperty("field").GetString());
    }

    /// <summary>The leader of an event; absent (nobody leads) is null.</summary>
    private static string? LeaderOf(JsonElement leaderEvent) =>
        leaderEvent.TryGetProperty("leader", out var leader) ? leader.GetString() : null;

    private static async Task ReadEvents(HttpResponseMessage response, ChannelWriter<JsonElement> events, CancellationToken ct)
    {
        try
        {
            using var body = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
            while (await body.ReadLineAsync(ct) is { } line)
            {
                if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    await events.WriteAsync(JsonDocument.Parse(line[5..]).RootElement.Clone(), ct);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
        }
        finally
        {
            events.TryComplete();
        }
    }
}
