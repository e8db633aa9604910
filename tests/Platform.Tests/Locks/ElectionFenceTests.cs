using System.Net;
using System.Text;
using Platform.Errors;
using Platform.KeyValue;
using Platform.Testing.Http;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Locks;

/// <summary>
/// An election's term fences writes as a lock's token does (<c>Platform-Fence: election/{name}:{term}</c>): the store
/// asks the election for its last term and checks the key's own fence record, which a delete's tombstone keeps.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ElectionFenceTests(ClusterFixture fixture)
{
    private PlatformApiClient Api => fixture.Api;

    /// <summary>
    /// Leader a (term 1) writes fenced; its lease runs out and b is elected (term 2) and writes fenced. From then on a's
    /// writes fenced by term 1 are refused with 409, over HTTP and through the typed client, on the key b wrote and
    /// on a key nobody wrote since; b's keep succeeding. A lock of the same name is a different fence.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FencedWrite_ByADeposedLeadersTerm_IsRefusedAfterTheNewLeaderWrote(bool transactional)
    {
        var ns = await NamespaceAsync(transactional);
        var election = $"leader.{Guid.NewGuid():N}"[..20];
        var first = (await Api.CampaignAsync(election, "a", leaseMs: 300)).Ok();
        Assert.Equal(1, first.Term);
        (await Api.PutKeyAsync(ns, "config", "by a", Fence(election, first.Term))).Expect(HttpStatusCode.Created);

        var second = (await Api.CampaignAsync(election, "b", waitMs: 10_000)).Ok();
        Assert.Equal(("b", 2L), (second.Leader, second.Term));
        (await Api.PutKeyAsync(ns, "config", "by b", Fence(election, second.Term))).Expect(HttpStatusCode.OK);

        var refused = ProblemAssert.IsProblem(await Api.PutKeyAsync(ns, "config", "by deposed a", Fence(election, first.Term)), HttpStatusCode.Conflict);
        Assert.Contains($"Election '{election}'", refused.Detail, StringComparison.Ordinal);
        Assert.Contains("term 2", refused.Detail, StringComparison.Ordinal);
        ProblemAssert.IsProblem(await Api.PutKeyAsync(ns, "untouched", "by deposed a", Fence(election, first.Term)), HttpStatusCode.Conflict);
        ProblemAssert.IsProblem(await Api.DeleteKeyAsync(ns, "config", Fence(election, first.Term)), HttpStatusCode.Conflict);
        var store = fixture.Service<IKeyValueStore>();
        await Assert.ThrowsAsync<PlatformConflictException>(() => store.PutAsync(ns, "config", Encoding.UTF8.GetBytes("typed a"),
            new KeyValuePutOptions { Fence = KeyValueFence.ForElection(election, first.Term) }));

        Assert.Equal("by b", (await Api.GetKeyAsync(ns, "config")).Text);
        await store.PutAsync(ns, "config", Encoding.UTF8.GetBytes("typed b"), new KeyValuePutOptions { Fence = KeyValueFence.ForElection(election, second.Term) });
        Assert.Equal("typed b", (await Api.GetKeyAsync(ns, "config")).Text);

        // The lock named like the election never granted a token: a lock fence of that name is refused on its own terms.
        var lockFence = ProblemAssert.IsProblem(await Api.PutKeyAsync(ns, "config", "lock", KeyValueConditions.Fenced(election, second.Term)), HttpStatusCode.Conflict);
        Assert.Contains($"Lock '{election}'", lockFence.Detail, StringComparison.Ordinal);
        (await Api.ResignAsync(election, "b", second.Term)).Expect(HttpStatusCode.NoContent);
    }

    /// <summary>
    /// The new leader writes and then deletes the key fenced by term 2; the election then forgets its terms (its state
    /// row lost) and elects c with term 1 again. Term 1 must not re-create the key: its tombstone has seen term 2.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ElectionFence_SurvivesAFencedDelete_EvenWhenTheElectionForgetsItsTerms(bool transactional)
    {
        var ns = await NamespaceAsync(transactional);
        var election = $"ldel.{Guid.NewGuid():N}"[..20];
        var first = (await Api.CampaignAsync(election, "a")).Ok();
        (await Api.ResignAsync(election, "a", first.Term)).Expect(HttpStatusCode.NoContent);
        var second = (await Api.CampaignAsync(election, "b")).Ok();
        Assert.Equal(2, second.Term);
        (await Api.PutKeyAsync(ns, "leader-key", "term 2", Fence(election, second.Term))).Expect(HttpStatusCode.Created);
        (await Api.DeleteKeyAsync(ns, "leader-key", Fence(election, second.Term))).Expect(HttpStatusCode.NoContent);
        (await Api.ResignAsync(election, "b", second.Term)).Expect(HttpStatusCode.NoContent);
        fixture.LeaseStore.Remove(k => k.EndsWith("/election/" + election, StringComparison.Ordinal));

        var reborn = (await Api.CampaignAsync(election, "c")).Ok();
        Assert.Equal(1, reborn.Term);
        var refused = ProblemAssert.IsProblem(await Api.PutKeyAsync(ns, "leader-key", "term 1 re-creates", Fence(election, reborn.Term)), HttpStatusCode.Conflict);
        Assert.Contains("token 2", refused.Detail, StringComparison.Ordinal);
        Assert.Contains($"election '{election}'", refused.Detail, StringComparison.Ordinal);
        await ProblemAssert.IsProblem(Api.GetKeyAsync(ns, "leader-key"), HttpStatusCode.NotFound);
        (await Api.ResignAsync(election, "c", reborn.Term)).Expect(HttpStatusCode.NoContent);
    }

    /// <summary>An election fence with a name outside the name rules (or another lease kind) is a 400 naming <c>fence</c>; nothing is written.</summary>
    [Theory]
    [InlineData("election/")]
    [InlineData("election/a b")]
    [InlineData("semaphore/pool")]
    public async Task FencedWrite_WithABadFenceName_Is400NamingTheFence(string fenceName)
    {
        var ns = await NamespaceAsync(transactional: false);
        var problem = ProblemAssert.IsProblem(await Api.PutKeyAsync(ns, "k", "v", KeyValueConditions.Fenced(fenceName, 1)), HttpStatusCode.BadRequest);
        Assert.Contains("election/{name}", problem.Detail, StringComparison.Ordinal);
        await ProblemAssert.IsProblem(Api.GetKeyAsync(ns, "k"), HttpStatusCode.NotFound);
    }

    private static KeyValueConditions Fence(string election, long term) => KeyValueConditions.Fenced(KeyValueFence.ElectionPrefix + election, term);

    private async Task<string> NamespaceAsync(bool transactional)
    {
        var ns = $"efence-{Guid.NewGuid():N}"[..18];
        (await Api.CreateNamespaceAsync(ns, shards: 2, transactional: transactional)).Expect(HttpStatusCode.Created);
        return ns;
    }
}
