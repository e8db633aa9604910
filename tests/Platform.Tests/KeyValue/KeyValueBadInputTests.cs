using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.KeyValue;

/// <summary>Bad input gets the right 4xx ProblemDetails and never disturbs what is stored.</summary>
[Collection(ClusterCollection.Name)]
public sealed class KeyValueBadInputTests(ClusterFixture fixture) : IAsyncLifetime
{
    private const string Url = "/v1/kv/default/bad-input-anchor";
    private HttpClient Http => fixture.Http;

    public async Task InitializeAsync()
    {
        using var response = await Http.PutAsync(Url, new StringContent("anchor"));
        response.EnsureSuccessStatusCode();
    }

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
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body);
        }

        using var response = await Http.SendAsync(request);
        var problem = await ProblemAssert.IsProblem(response, status);
        if (field is not null)
        {
            Assert.Equal(field, problem.GetProperty("field").GetString());
        }

        await AssertAnchorUnchanged();
    }

    [Fact]
    public async Task Put_BodyOverValueLimit_Returns413AndKeepsOldValue()
    {
        var tooBig = new byte[64 * 1024 + 1];
        using var response = await Http.PutAsync(Url, new ByteArrayContent(tooBig));
        await ProblemAssert.IsProblem(response, HttpStatusCode.RequestEntityTooLarge);
        await AssertAnchorUnchanged();
    }

    [Fact]
    public async Task Put_BodyExactlyAtValueLimit_IsAccepted()
    {
        using var response = await Http.PutAsync("/v1/kv/default/at-the-limit", new ByteArrayContent(new byte[64 * 1024]));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("\"abc\"")]
    [InlineData("W/\"1\"")]
    [InlineData("1")]
    [InlineData("\"0\"")]
    public async Task Put_MalformedIfMatch_Returns400NamingTheHeader(string ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, Url) { Content = new StringContent("changed") };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        using var response = await Http.SendAsync(request);
        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
        Assert.Equal("If-Match", problem.GetProperty("field").GetString());
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
        using var response = await Http.PutAsync("/v1/namespaces/invalid-ns", new StringContent(json, Encoding.UTF8, "application/json"));
        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
        if (field is not null)
        {
            Assert.Equal(field, problem.GetProperty("field").GetString());
        }

        using var get = await Http.GetAsync("/v1/namespaces/invalid-ns");
        await ProblemAssert.IsProblem(get, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task CreateNamespace_AgainWithOtherSettings_Returns409AndKeepsOriginal()
    {
        using (var created = await Http.PutAsJsonAsync("/v1/namespaces/fixed-ns", new { shards = 3 }))
        {
            Assert.True(created.IsSuccessStatusCode);
        }

        using (var same = await Http.PutAsJsonAsync("/v1/namespaces/fixed-ns", new { shards = 3 }))
        {
            Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        }

        using var other = await Http.PutAsJsonAsync("/v1/namespaces/fixed-ns", new { shards = 5 });
        await ProblemAssert.IsProblem(other, HttpStatusCode.Conflict);
        var settings = await Http.GetFromJsonAsync<JsonElement>("/v1/namespaces/fixed-ns");
        Assert.Equal(3, settings.GetProperty("shards").GetInt32());
    }

    private async Task AssertAnchorUnchanged()
    {
        using var get = await Http.GetAsync(Url);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("anchor", await get.Content.ReadAsStringAsync());
    }
}
