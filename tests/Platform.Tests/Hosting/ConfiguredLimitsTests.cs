using System.Net;
using Platform.Testing.Http;
using Platform.Testing.Waiting;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Hosting;

/// <summary>The configured limits of docs/locks.md and docs/keyvalue.md are enforced as documented.</summary>
public sealed class ConfiguredLimitsTests(LimitsClusterFixture fixture) : IClassFixture<LimitsClusterFixture>
{
    private PlatformApiClient Api => fixture.Api;

    /// <summary>With MaxWaiters = 2, a third waiter is refused with 409 at once; the holder and the two queued waiters are unchanged and are served in turn.</summary>
    [Fact]
    public async Task Acquire_BeyondMaxWaiters_Answers409AndLeavesHolderAndQueueUnchanged()
    {
        var name = $"waiters-{Guid.NewGuid():N}"[..20];
        var holder = (await Api.AcquireLockAsync(name, "holder", leaseMs: 30_000)).Ok();
        var waiters = new List<Task<ApiResponse<LeaseGrant>>>();
        for (var i = 0; i < LimitsClusterFixture.MaxWaiters; i++)
        {
            waiters.Add(Api.AcquireLockAsync(name, $"waiter-{i}", leaseMs: 30_000, waitMs: 20_000));
            var queued = i + 1;
            await Eventually.Until(async ct => (await Api.GetLockAsync(name, ct)).Ok().QueueLength == queued, $"waiter {i} to queue");
        }

        var refused = ProblemAssert.IsProblem(await Api.AcquireLockAsync(name, "one-too-many", leaseMs: 30_000, waitMs: 20_000), HttpStatusCode.Conflict);
        Assert.Equal(LimitsClusterFixture.MaxWaiters, refused.QueueLength);

        var status = (await Api.GetLockAsync(name)).Ok();
        Assert.Equal([("holder", holder.Token)], status.HolderTokens);
        Assert.Equal(LimitsClusterFixture.MaxWaiters, status.QueueLength);

        // The queued ones are still served, in order.
        (await Api.ReleaseLockAsync(name, "holder", holder.Token)).Expect(HttpStatusCode.NoContent);
        foreach (var (waiter, i) in waiters.Select((w, i) => (w, i)))
        {
            var grant = (await waiter).Ok();
            Assert.Equal($"waiter-{i}", grant.Owner);
            (await Api.ReleaseLockAsync(name, grant.Owner, grant.Token)).Expect(HttpStatusCode.NoContent);
        }
    }

    /// <summary>With MaxHolders = 2, a third shared holder is refused with 409 although shared holders are compatible; the two holders stay.</summary>
    [Fact]
    public async Task Acquire_SharedBeyondMaxHolders_Answers409AndKeepsTheHolders()
    {
        var name = $"holders-{Guid.NewGuid():N}"[..20];
        var grants = new List<(string, long)>();
        for (var i = 0; i < LimitsClusterFixture.MaxHolders; i++)
        {
            var grant = (await Api.AcquireLockAsync(name, $"reader-{i}", leaseMs: 30_000, mode: "shared")).Ok();
            grants.Add((grant.Owner, grant.Token));
        }

        ProblemAssert.IsProblem(await Api.AcquireLockAsync(name, "reader-extra", leaseMs: 30_000, mode: "shared"), HttpStatusCode.Conflict);

        var status = (await Api.GetLockAsync(name)).Ok();
        Assert.Equal(grants.Order(), status.HolderTokens.Order());
        Assert.Equal(0, status.QueueLength);
    }

    /// <summary>
    /// With MaxPageBytes = 1000, a listing page stops before its values pass 1000 bytes (limit 100 notwithstanding),
    /// a value larger than the limit still comes alone in its page, and following the tokens yields every key once.
    /// </summary>
    [Fact]
    public async Task List_WithValuesOverMaxPageBytes_CutsPagesByBytesAndStillReturnsEveryKeyOnce()
    {
        var ns = $"pages-{Guid.NewGuid():N}"[..20];
        (await Api.CreateNamespaceAsync(ns, shards: 2)).Expect(HttpStatusCode.Created);
        var keys = Enumerable.Range(0, 6).Select(i => $"k{i}").ToList();
        foreach (var key in keys)
        {
            (await Api.PutKeyAsync(ns, key, new string('x', 400))).Expect(HttpStatusCode.Created);
        }

        (await Api.PutKeyAsync(ns, "k9-big", new string('y', 1500))).Expect(HttpStatusCode.Created);

        var pages = new List<KeyValueListing>();
        await foreach (var page in Api.ListKeyPagesAsync(ns, limit: 100))
        {
            pages.Add(page);
        }

        Assert.All(pages, p => Assert.True(p.Items.Count == 1 || p.Items.Count * 400 <= LimitsClusterFixture.MaxPageBytes, $"a page of {p.Items.Count} items"));
        Assert.True(pages.Count >= 4, $"{pages.Count} pages for 6 × 400 + 1500 bytes under a 1000-byte limit");
        Assert.Equal([.. keys, "k9-big"], pages.SelectMany(p => p.Items).Select(i => i.Key).Order(StringComparer.Ordinal));
        Assert.Contains(pages, p => p.Items.Count == 1 && p.Items[0].Key == "k9-big");
    }
}
