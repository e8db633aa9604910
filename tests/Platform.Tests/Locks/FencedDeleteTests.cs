using System.Net;
using Platform.Testing.Http;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Locks;

/// <summary>A fenced delete keeps the key's fence record (in its tombstone): a lower token cannot re-create the key.</summary>
[Collection(ClusterCollection.Name)]
public sealed class FencedDeleteTests(ClusterFixture fixture)
{
    private PlatformApiClient Api => fixture.Api;

    /// <summary>
    /// Token 2 writes and then deletes the key; the lock then forgets its counter (its state row lost) and grants token 1
    /// again. Token 1 must not re-create the key: the key has seen token 2, deleted or not.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FencedDelete_ThenLowerTokenOfTheSameLock_CannotRecreateTheKey(bool transactional)
    {
        var ns = $"fdel-{Guid.NewGuid():N}"[..16];
        (await Api.CreateNamespaceAsync(ns, 2, transactional)).Ok(HttpStatusCode.Created);
        var name = $"fdel.{Guid.NewGuid():N}"[..20];
        const string key = "fenced-then-deleted";
        var first = (await Api.AcquireLockAsync(name, "a")).Ok().Token;
        (await Api.ReleaseLockAsync(name, "a", first)).Expect(HttpStatusCode.NoContent);
        var second = (await Api.AcquireLockAsync(name, "b")).Ok().Token;
        Assert.Equal(2, second);
        (await Api.PutKeyAsync(ns, key, "token 2", KeyValueConditions.Fenced(name, second))).ExpectSuccess();
        (await Api.DeleteKeyAsync(ns, key, KeyValueConditions.Fenced(name, second))).Expect(HttpStatusCode.NoContent);
        (await Api.ReleaseLockAsync(name, "b", second)).Expect(HttpStatusCode.NoContent);
        fixture.LeaseStore.Remove(k => k.EndsWith("/lock/" + name, StringComparison.Ordinal));

        var reborn = (await Api.AcquireLockAsync(name, "c")).Ok().Token;
        Assert.Equal(1, reborn);
        var refused = ProblemAssert.IsProblem(await Api.PutKeyAsync(ns, key, "token 1 re-creates", KeyValueConditions.Fenced(name, reborn)), HttpStatusCode.Conflict);
        Assert.Contains("token 2", refused.Detail, StringComparison.Ordinal);
        ProblemAssert.IsProblem(await Api.GetKeyAsync(ns, key), HttpStatusCode.NotFound);

        // An unfenced write may still re-create the key; the tombstone's fence record carries over to it.
        Assert.Equal(HttpStatusCode.Created, (await Api.PutKeyAsync(ns, key, "unfenced")).StatusCode);
        ProblemAssert.IsProblem(await Api.PutKeyAsync(ns, key, "token 1 overwrites", KeyValueConditions.Fenced(name, reborn)), HttpStatusCode.Conflict);
        Assert.Equal("unfenced", (await Api.GetKeyAsync(ns, key)).Text);
        (await Api.ReleaseLockAsync(name, "c", reborn)).Expect(HttpStatusCode.NoContent);
    }
}
