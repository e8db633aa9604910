using System.Net;
using Platform.Testing.Http;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.EventLog;

/// <summary>The bad inputs: each answers the right 4xx naming the field, and nothing is appended.</summary>
[Collection(ClusterCollection.Name)]
public sealed class EventLogBadInputTests(ClusterFixture fixture)
{
    private PlatformApiClient Api => fixture.Api;

    [Theory]
    [InlineData("""{"partitions":0}""", "partitions")]
    [InlineData("""{"partitions":1025}""", "partitions")]
    [InlineData("""{"partitions":"many"}""", "partitions")]
    [InlineData("""{"partitions":2,"maxRecordBytes":0}""", "maxRecordBytes")]
    [InlineData("""{"partitions":2,"maxRecordBytes":99999999}""", "maxRecordBytes")]
    [InlineData("""{"partitions":2,"cleanup":"shred"}""", "cleanup")]
    [InlineData("""{"partitions":2,"retention":{"ms":0}}""", "retention.ms")]
    public async Task CreateTopic_WithBadSettings_Is400NamingTheField_AndCreatesNothing(string body, string field)
    {
        var topic = $"bad-{Guid.NewGuid():N}"[..30];
        var problem = ProblemAssert.IsProblem(await Api.SendJsonAsync(HttpMethod.Put, $"/v1/topics/{topic}", body), HttpStatusCode.BadRequest);
        Assert.Equal(field, problem.Field);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetTopicAsync(topic)).StatusCode);
    }

    /// <summary>Unknown topics and groups answer 404; a negative or non-numeric offset or partition 400; nothing appended.</summary>
    [Fact]
    public async Task UnknownTopicOrGroup_AndBadOffsets_AnswerTheRight4xx()
    {
        var topic = $"bi-{Guid.NewGuid():N}"[..30];
        (await Api.CreateTopicAsync(topic, partitions: 2, maxRecordBytes: 1000)).ExpectSuccess();
        Assert.Equal(HttpStatusCode.NotFound, (await Api.ReadAsync("no-such-topic", 0)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.ProduceAsync("no-such-topic", [("k", "v")])).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.DescribeGroupAsync("no-such-group")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.HeartbeatAsync("no-such-group", "m-1", 1)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.JoinGroupAsync("g", ["no-such-topic"])).StatusCode);
        Assert.Equal("offset", ProblemAssert.IsProblem(await Api.ReadAsync(topic, 0, offset: -1), HttpStatusCode.BadRequest).Field);
        Assert.Equal("offset", ProblemAssert.IsProblem(await Api.GetAsync($"/v1/topics/{topic}/partitions/0/records?offset=abc"), HttpStatusCode.BadRequest).Field);
        Assert.Equal("offset", ProblemAssert.IsProblem(await Api.ReadAsync(topic, 0, offset: 5), HttpStatusCode.BadRequest).Field);
        Assert.Equal("partition", ProblemAssert.IsProblem(await Api.ReadAsync(topic, 2), HttpStatusCode.BadRequest).Field);
        Assert.Equal("partition", ProblemAssert.IsProblem(await Api.GetAsync($"/v1/topics/{topic}/partitions/x/records"), HttpStatusCode.BadRequest).Field);
        Assert.Equal("limit", ProblemAssert.IsProblem(await Api.ReadAsync(topic, 0, limit: 0), HttpStatusCode.BadRequest).Field);
        Assert.Equal("waitMs", ProblemAssert.IsProblem(await Api.ReadAsync(topic, 0, waitMs: 60_000), HttpStatusCode.BadRequest).Field);
        Assert.All((await Api.GetTopicAsync(topic)).Ok().Offsets!, o => Assert.Equal(0, o.Latest));
    }

    /// <summary>A record over the topic's limit is 413, a batch over the count limit 400, a bad producer triple 400; nothing appended.</summary>
    [Fact]
    public async Task OversizeRecords_LongBatches_AndBadProducers_AreRefused_AndAppendNothing()
    {
        var topic = $"bs-{Guid.NewGuid():N}"[..30];
        (await Api.CreateTopicAsync(topic, partitions: 1, maxRecordBytes: 1000)).ExpectSuccess();
        ProblemAssert.IsProblem(await Api.ProduceAsync(topic, [("k", new string('x', 1001))]), HttpStatusCode.RequestEntityTooLarge);
        ProblemAssert.IsProblem(await Api.ProduceAsync(topic, [("ok", "fine"), ("k", new string('x', 2000))]), HttpStatusCode.RequestEntityTooLarge);
        var tooMany = Enumerable.Range(0, 501).Select(i => ((string?)null, (string?)"v"));
        Assert.Equal("records", ProblemAssert.IsProblem(await Api.ProduceAsync(topic, tooMany), HttpStatusCode.BadRequest).Field);
        Assert.Equal("records", ProblemAssert.IsProblem(await Api.ProduceAsync(topic, []), HttpStatusCode.BadRequest).Field);
        Assert.Equal("sequence", ProblemAssert.IsProblem(await Api.ProduceAsync(topic, [("k", "v")], ("p", 0, -1)), HttpStatusCode.BadRequest).Field);
        Assert.Equal("epoch", ProblemAssert.IsProblem(await Api.ProduceAsync(topic, [("k", "v")], ("p", -1, 0)), HttpStatusCode.BadRequest).Field);
        Assert.Equal("producerId", ProblemAssert.IsProblem(await Api.ProduceAsync(topic, [("k", "v")], ("bad id!", 0, 0)), HttpStatusCode.BadRequest).Field);
        Assert.Equal("epoch", ProblemAssert.IsProblem(await Api.SendJsonAsync(HttpMethod.Post, $"/v1/topics/{topic}/records", """{"records":[{"value":"v"}],"producerId":"p","sequence":0}"""), HttpStatusCode.BadRequest).Field);
        Assert.Equal("records[0].valueBase64", ProblemAssert.IsProblem(await Api.SendJsonAsync(HttpMethod.Post, $"/v1/topics/{topic}/records", """{"records":[{"value":"v","valueBase64":"dg=="}]}"""), HttpStatusCode.BadRequest).Field);
        Assert.Equal("records[0].partition", ProblemAssert.IsProblem(await Api.SendJsonAsync(HttpMethod.Post, $"/v1/topics/{topic}/records", """{"records":[{"value":"v","partition":1}]}"""), HttpStatusCode.BadRequest).Field);
        Assert.Equal("records[0].key", ProblemAssert.IsProblem(await Api.ProduceAsync(topic, [(new string('k', 513), "v")]), HttpStatusCode.BadRequest).Field);
        Assert.Equal(0, (await Api.GetTopicAsync(topic)).Ok().Offsets![0].Latest);
    }

    /// <summary>Group input: bad session timeouts, assignors, topic lists and commits are 400 naming the field.</summary>
    [Fact]
    public async Task GroupInput_IsCheckedField_ByField()
    {
        var topic = $"bg-{Guid.NewGuid():N}"[..30];
        (await Api.CreateTopicAsync(topic, partitions: 1)).ExpectSuccess();
        var group = $"g-{Guid.NewGuid():N}"[..30];
        Assert.Equal("sessionTimeoutMs", ProblemAssert.IsProblem(await Api.JoinGroupAsync(group, [topic], sessionTimeoutMs: 10), HttpStatusCode.BadRequest).Field);
        Assert.Equal("assignor", ProblemAssert.IsProblem(await Api.JoinGroupAsync(group, [topic], assignor: "lottery"), HttpStatusCode.BadRequest).Field);
        Assert.Equal("topics", ProblemAssert.IsProblem(await Api.JoinGroupAsync(group, []), HttpStatusCode.BadRequest).Field);
        Assert.Equal("topics", ProblemAssert.IsProblem(await Api.JoinGroupAsync(group, [topic, topic]), HttpStatusCode.BadRequest).Field);
        var member = (await Api.JoinGroupAsync(group, [topic])).Ok();
        Assert.Equal("offsets[0].offset", ProblemAssert.IsProblem(await Api.CommitAsync(group, member.MemberId, member.Generation, [(topic, 0, -1)]), HttpStatusCode.BadRequest).Field);
        Assert.Equal("offsets[1]", ProblemAssert.IsProblem(await Api.CommitAsync(group, member.MemberId, member.Generation, [(topic, 0, 1), (topic, 0, 2)]), HttpStatusCode.BadRequest).Field);
        Assert.DoesNotContain((await Api.DescribeGroupAsync(group)).Ok().Partitions, p => p.Committed is not null);
    }
}
