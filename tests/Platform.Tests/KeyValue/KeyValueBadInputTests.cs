using System.Net;
using System.Text;
using Platform.Testing.Http;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.KeyValue;

/// <summary>Bad input gets the right 4xx ProblemDetails and never disturbs what is stored.</summary>
[Collection(ClusterCollection.Name)]
public sealed class KeyValueBadInputTests(ClusterFixture fixture) : IAsyncLifetime
{
    private const string Anchor = "bad-input-anchor";
    private PlatformApiClient Api => fixture.Api;

    public async Task InitializeAsync() => (await Api.PutKeyAsync("default", Anchor, "anchor")).ExpectSuccess();

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string, string, string?, HttpStatusCode, string?> Cases => new()
    {
        // method, path, body, expected status, field named
        { "PUT", "/v1/kv/default/" + new string('k', 513), "x", HttpStatusCode.BadRequest, "key" },
        { "PUT", "/v1/kv/default/" + Uri.EscapeDataString(new string('é', 257)), "x", HttpStatusCode.BadRequest, "key" },
        { "PUT", "/v1/kv/default/bad%07key", "x", HttpStatusCode.BadRequest, "key" },
        { "GET", "/v1/kv/default/bad%0Akey", null, HttpStatusCode.BadRequest, "key" },
        { "PUT", "/v1/kv/no-such-namespace/k", "x", HttpStatusCode.NotFound, null },
        { "GET", "/v1/kv/no-such-namespace/k", null, HttpStatusCode.NotFound, null },
        { "GET", "/v1/kv/no-such-namespace", null, HttpStatusCode.NotFound, null },
        { "PUT", "/v1/kv/bad%20name/k", "x", HttpStatusCode.BadRequest, "namespace" },
        { "GET", "/v1/kv/default?limit=0", null, HttpStatusCode.BadRequest, "limit" },
        { "GET", "/v1/kv/default?limit=1001", null, HttpStatusCode.BadRequest, "limit" },
        { "GET", "/v1/kv/default?continuationToken=%21%21", null, HttpStatusCode.BadRequest, "continuationToken" },
        { "GET", "/v1/namespaces/default/locate", null, HttpStatusCode.BadRequest, "key" },
        { "GET", "/v1/namespaces/nope/shards", null, HttpStatusCode.NotFound, null },
        { "DELETE", "/v1/namespaces/default", null, HttpStatusCode.Conflict, null },
        { "DELETE", "/v1/namespaces/never-created", null, HttpStatusCode.NotFound, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadRequest_GetsProblemDetailsAndLeavesStoredDataUnchanged(string method, string path, string? body, HttpStatusCode status, string? field)
    {
        var response = await Api.SendAsync(new HttpMethod(method), path, body is null ? null : () => new StringContent(body));
        var problem = ProblemAssert.IsProblem(response, status);
        if (field is not null)
        {
            Assert.Equal(field, problem.Field);
        }

        await AssertAnchorUnchanged();
    }

    [Fact]
    public async Task Put_BodyOverValueLimit_Returns413AndKeepsOldValue()
    {
        await ProblemAssert.IsProblem(Api.PutKeyAsync("default", Anchor, new byte[(64 * 1024) + 1]), HttpStatusCode.RequestEntityTooLarge);
        await AssertAnchorUnchanged();
    }

    [Theory]
    [InlineData("\"abc\"")]
    [InlineData("W/\"1\"")]
    [InlineData("1")]
    [InlineData("\"0\"")]
    public async Task Put_MalformedIfMatch_Returns400NamingTheHeader(string ifMatch)
    {
        var response = await Api.SendAsync(HttpMethod.Put, $"/v1/kv/default/{Anchor}", () => new StringContent("changed"),
            request => request.Headers.TryAddWithoutValidation("If-Match", ifMatch));
        Assert.Equal("If-Match", ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest).Field);
        await AssertAnchorUnchanged();
    }

    [Theory]
    [InlineData("{\"shards\":0}", "shards")]
    [InlineData("{\"shards\":4097}", "shards")]
    [InlineData("{\"shards\":-3}", "shards")]
    [InlineData("{\"shards\":\"many\"}", "shards")]
    [InlineData("{\"partitioning\":\"range\"}", "partitioning")]
    [InlineData("{\"partitioning\":1}", "partitioning")]
    [InlineData("{\"shards\":4", null)]
    [InlineData("not json", null)]
    public async Task CreateNamespace_InvalidBody_Returns400AndCreatesNothing(string json, string? field)
    {
        var response = await Api.SendAsync(HttpMethod.Put, "/v1/namespaces/invalid-ns", () => new StringContent(json, Encoding.UTF8, "application/json"));
        var problem = ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
        if (field is not null)
        {
            Assert.Equal(field, problem.Field);
        }

        await ProblemAssert.IsProblem(Api.GetNamespaceAsync("invalid-ns"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task CreateNamespace_AgainWithOtherSettings_Returns409AndKeepsOriginal()
    {
        (await Api.CreateNamespaceAsync("fixed-ns", shards: 3)).ExpectSuccess();
        (await Api.CreateNamespaceAsync("fixed-ns", shards: 3)).Expect(HttpStatusCode.OK);
        await ProblemAssert.IsProblem(Api.CreateNamespaceAsync("fixed-ns", shards: 5), HttpStatusCode.Conflict);
        Assert.Equal(3, (await Api.GetNamespaceAsync("fixed-ns")).Ok().Shards);
    }

    private async Task AssertAnchorUnchanged()
    {
        var get = await Api.GetKeyAsync("default", Anchor);
        Assert.Equal((HttpStatusCode.OK, "anchor"), (get.StatusCode, get.Text));
    }
}
