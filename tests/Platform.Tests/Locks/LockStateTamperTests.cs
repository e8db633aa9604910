using System.Net;
using Platform.Locks;
using Platform.Testing.Http;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Locks;

/// <summary>
/// The lock grain against storage that changed behind its back (a lost row, another activation's write), played by
/// editing the Memory cluster's shared lease store.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class LockStateTamperTests(ClusterFixture fixture)
{
    private PlatformApiClient Api => fixture.Api;

    /// <summary>
    /// The per-key record: even when the lock itself forgot its counter (its state row lost) and grants token 1 again,
    /// a key that has seen token 2 of that lock refuses token 1.
    /// </summary>
    [Fact]
    public async Task FencedPut_WithTokenBelowOneTheKeyHasSeen_IsRefusedEvenWhenTheLockForgotIt()
    {
        const string name = "forgetful.1";
        const string key = "fenced-per-key";
        var first = (await Api.AcquireLockAsync(name, "a")).Ok().Token;
        (await Api.ReleaseLockAsync(name, "a", first)).Expect(HttpStatusCode.NoContent);
        var second = (await Api.AcquireLockAsync(name, "b")).Ok().Token;
        (await Api.PutKeyAsync("default", key, "token 2", KeyValueConditions.Fenced(name, second))).ExpectSuccess();
        (await Api.ReleaseLockAsync(name, "b", second)).Expect(HttpStatusCode.NoContent);
        fixture.LeaseStore.Remove(k => k.EndsWith("/lock/" + name, StringComparison.Ordinal));

        var reborn = (await Api.AcquireLockAsync(name, "c")).Ok().Token;
        Assert.Equal(1, reborn);
        var problem = ProblemAssert.IsProblem(await Api.PutKeyAsync("default", key, "token 1 again", KeyValueConditions.Fenced(name, reborn)), HttpStatusCode.Conflict);
        Assert.Contains("token 2", problem.Detail, StringComparison.Ordinal);
        Assert.Equal("token 2", (await Api.GetKeyAsync("default", key)).Text);
        (await Api.ReleaseLockAsync(name, "c", reborn)).Expect(HttpStatusCode.NoContent);
    }

    /// <summary>Another activation's write (played by changing the stored state behind the grain) makes the grain's write lose the ETag race; it re-reads and grants above the other's counter.</summary>
    [Fact]
    public async Task Acquire_AfterAnotherActivationWroteTheState_ReloadsAndNeverReusesAToken()
    {
        const string name = "duplicate.1";
        var first = (await Api.AcquireLockAsync(name, "a")).Ok().Token;
        (await Api.ReleaseLockAsync(name, "a", first)).Expect(HttpStatusCode.NoContent);
        fixture.LeaseStore.Tamper<LockState>(k => k.EndsWith("/lock/" + name, StringComparison.Ordinal), s => s.LastToken += 10);

        var next = (await Api.AcquireLockAsync(name, "b")).Ok().Token;
        Assert.Equal(first + 11, next);
        Assert.Equal(next, (await Api.GetLockAsync(name)).Ok().LastToken);
        (await Api.ReleaseLockAsync(name, "b", next)).Expect(HttpStatusCode.NoContent);
    }
}
