using System.Net;
using System.Text;
using Platform.Testing.Http;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Locks;

/// <summary>Input checks of the lease routes: decided before any state is read, so they run once (Memory).</summary>
[Collection(ClusterCollection.Name)]
public sealed class LockInputTests(ClusterFixture fixture)
{
    private PlatformApiClient Api => fixture.Api;

    /// <summary>Bad input is refused with 400 naming the field, and the current holder is unchanged.</summary>
    [Theory]
    [InlineData("""{"leaseMs":1000}""", "owner")]
    [InlineData("""{"owner":"x","leaseMs":10}""", "leaseMs")]
    [InlineData("""{"owner":"x","leaseMs":999999999}""", "leaseMs")]
    [InlineData("""{"owner":"x","waitMs":-1}""", "waitMs")]
    [InlineData("""{"owner":"x","waitMs":9999999}""", "waitMs")]
    [InlineData("""{"owner":"x","mode":"upgrade"}""", "mode")]
    [InlineData("""{"owner":"x","leaseMs":"soon"}""", "leaseMs")]
    public async Task Acquire_WithBadInput_Returns400NamingTheFieldAndLeavesHoldersUnchanged(string body, string field)
    {
        var name = $"bad.{field}.{Guid.NewGuid():N}";
        var token = (await Api.AcquireLockAsync(name, "keeper")).Ok().Token;
        var before = (await Api.GetLockAsync(name)).Ok().Holders;

        var response = await Api.SendAsync(HttpMethod.Post, $"/v1/locks/{name}/acquire", () => new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(field, ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest).Field);

        var after = (await Api.GetLockAsync(name)).Ok();
        Assert.Equal(before, after.Holders);
        Assert.Equal(token, after.LastToken);
        (await Api.ReleaseLockAsync(name, "keeper", token)).Expect(HttpStatusCode.NoContent);
    }

    /// <summary>A lock name outside the name rules is a 400 naming "name".</summary>
    [Fact]
    public async Task Acquire_WithInvalidName_Returns400()
    {
        var response = await Api.SendJsonAsync(HttpMethod.Post, "/v1/locks/orders%2F42/acquire", new { owner = "x" });
        Assert.Equal("name", ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest).Field);
    }

    /// <summary>Bad campaign input is a 400 naming the field.</summary>
    [Theory]
    [InlineData("""{"leaseMs":1000}""", "candidate")]
    [InlineData("""{"candidate":"x","leaseMs":1}""", "leaseMs")]
    [InlineData("""{"candidate":"x","waitMs":-5}""", "waitMs")]
    public async Task Campaign_WithBadInput_Returns400NamingTheField(string body, string field)
    {
        var response = await Api.SendAsync(HttpMethod.Post, "/v1/elections/bad-input/campaign", () => new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(field, ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest).Field);
    }
}
