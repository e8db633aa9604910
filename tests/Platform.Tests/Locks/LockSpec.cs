using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using Platform.Errors;
using Platform.Locks;
using Platform.Testing.Http;
using Platform.Testing.Waiting;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Locks;

/// <summary>
/// Lock, semaphore and election behaviour that must hold whatever stores the lease state, over HTTP and through the
/// typed client, on a cluster whose grains and typed client share a <see cref="FakeTimeProvider"/>: a lease runs out
/// when the test advances the clock past it (the grain's expiry timer runs on that clock), never by sleeping.
/// Assertions name the holders, not just "not completed". One three-line subclass per storage mode.
/// </summary>
public abstract class LockSpec(PlatformClusterFixture fixture)
{
    private PlatformApiClient Api => fixture.Api;

    private FakeTimeProvider Time => fixture.Time;

    private ILocks Locks => fixture.Service<ILocks>();

    private IElection Elections => fixture.Service<IElection>();

    private ISemaphores Semaphores => fixture.Service<ISemaphores>();

    /// <summary>
    /// 50 contenders queue on one lock over HTTP; each records [grant, release] by its own clock and its token. No two
    /// holders overlap (each release is recorded before the next grant arrives) and tokens grow in grant order.
    /// </summary>
    [Fact]
    public async Task Acquire_FiftyConcurrentContenders_NeverOverlapAndTokensIncreaseInGrantOrder()
    {
        const string name = "mutex.50";
        var intervals = new ConcurrentBag<(long Token, long Granted, long Released)>();
        var inside = 0;
        var maxInside = 0;
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(async () =>
        {
            var owner = $"contender-{i}";
            var token = (await Api.AcquireLockAsync(name, owner, leaseMs: 30_000, waitMs: 20_000)).Ok().Token;
            var granted = Stopwatch.GetTimestamp();
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref maxInside, now);
            await Task.Delay(Random.Shared.Next(1, 10));
            Interlocked.Decrement(ref inside);
            var released = Stopwatch.GetTimestamp();
            intervals.Add((token, granted, released));
            (await Api.ReleaseLockAsync(name, owner, token)).Expect(HttpStatusCode.NoContent);
        })));

        Assert.Equal(50, intervals.Count);
        Assert.Equal(1, maxInside);
        var byGrant = intervals.OrderBy(x => x.Granted).ToList();
        for (var i = 1; i < byGrant.Count; i++)
        {
            Assert.True(byGrant[i].Token > byGrant[i - 1].Token, $"token {byGrant[i].Token} granted after {byGrant[i - 1].Token}");
            Assert.True(byGrant[i - 1].Released < byGrant[i].Granted, $"holder of token {byGrant[i - 1].Token} overlaps token {byGrant[i].Token}");
        }

        Assert.Equal(50, intervals.Select(x => x.Token).Distinct().Count());
        var status = await Status(name);
        Assert.Empty(status.Holders);
        Assert.Equal(0, status.QueueLength);
    }

    /// <summary>
    /// A holder that stops renewing keeps the lock until its lease ends and loses it then, with no client call (the
    /// grain's expiry timer); the waiter gets a higher token; the old holder's renew and release are refused.
    /// </summary>
    [Fact]
    public async Task Acquire_WhenLeaseExpires_NextWaiterGetsHigherTokenAndOldHolderIsRefused()
    {
        const string name = "expiry.1";
        var old = (await Api.AcquireLockAsync(name, "sleepy", leaseMs: 500)).Ok().Token;
        var next = Api.AcquireLockAsync(name, "patient", waitMs: 20_000);
        await WaitForLock(name, s => s.QueueLength == 1, "patient to queue");

        await ExpireLeaseAsync(name, [("sleepy", old)], leaseMs: 500, next);
        var granted = (await next).Ok().Token;
        Assert.True(granted > old, $"token {granted} after {old}");

        var renew = ProblemAssert.IsProblem(await Api.RenewLockAsync(name, "sleepy", old, leaseMs: 1000), HttpStatusCode.Conflict);
        Assert.Equal(["patient"], renew.Holders.Select(h => h.Owner));
        await ProblemAssert.IsProblem(Api.ReleaseLockAsync(name, "sleepy", old), HttpStatusCode.Conflict);
        Assert.Equal([("patient", granted)], (await Status(name)).HolderTokens);
        (await Api.ReleaseLockAsync(name, "patient", granted)).Expect(HttpStatusCode.NoContent);
    }

    /// <summary>
    /// The fencing demonstration: a paused holder (no renewals) wakes after its lease expired and a new holder was
    /// granted; its fenced PUT is refused with 409 while the new holder's succeeds, before and after the new write.
    /// Transactional namespaces check fences the same way.
    /// </summary>
    [Theory]
    [InlineData("default")]
    [InlineData("fenced-txn")]
    public async Task FencedPut_FromPausedHolderAfterLeaseExpiry_IsRefusedWhileNewHolderSucceeds(string ns)
    {
        if (ns != "default")
        {
            (await Api.CreateNamespaceAsync(ns, shards: 2, transactional: true)).ExpectSuccess();
        }

        var name = $"fence.{ns}";
        const string key = "fenced-account";
        var old = (await Api.AcquireLockAsync(name, "paused", leaseMs: 400)).Ok().Token;
        (await Api.PutKeyAsync(ns, key, "written by paused", KeyValueConditions.Fenced(name, old))).ExpectSuccess();

        // "paused" stops renewing; "fresh" gets the lock once the lease is gone.
        var waiting = Api.AcquireLockAsync(name, "fresh", waitMs: 20_000);
        await WaitForLock(name, s => s.QueueLength == 1, "fresh to queue");
        await ExpireLeaseAsync(name, [("paused", old)], leaseMs: 400, waiting);
        var fresh = (await waiting).Ok().Token;
        Assert.True(fresh > old);

        // The paused holder wakes up before the new holder wrote: refused by the lock's check.
        await ProblemAssert.IsProblem(Api.PutKeyAsync(ns, key, "stale write 1", KeyValueConditions.Fenced(name, old)), HttpStatusCode.Conflict);
        (await Api.PutKeyAsync(ns, key, "written by fresh", KeyValueConditions.Fenced(name, fresh))).Expect(HttpStatusCode.OK);
        await ProblemAssert.IsProblem(Api.PutKeyAsync(ns, key, "stale write 2", KeyValueConditions.Fenced(name, old)), HttpStatusCode.Conflict);
        await ProblemAssert.IsProblem(Api.DeleteKeyAsync(ns, key, KeyValueConditions.Fenced(name, old)), HttpStatusCode.Conflict);

        Assert.Equal("written by fresh", (await Api.GetKeyAsync(ns, key)).Text);
        (await Api.ReleaseLockAsync(name, "fresh", fresh)).Expect(HttpStatusCode.NoContent);
    }

    /// <summary>Many shared holders at once; a queued exclusive request is served before shared requests that came after it (no writer starvation).</summary>
    [Fact]
    public async Task Acquire_QueuedExclusive_IsNotStarvedBySharedRequests()
    {
        const string name = "rw.1";
        var reader1 = (await Api.AcquireLockAsync(name, "reader-1", mode: "shared")).Ok().Token;
        var reader2 = (await Api.AcquireLockAsync(name, "reader-2", mode: "shared")).Ok().Token;
        var writer = Api.AcquireLockAsync(name, "writer", waitMs: 20_000);
        await WaitForLock(name, s => s.QueueLength == 1, "the writer to queue");

        // A new reader may not overtake the queued writer.
        await ProblemAssert.IsProblem(Api.AcquireLockAsync(name, "reader-3", mode: "shared"), HttpStatusCode.Conflict);
        var lateReader = Api.AcquireLockAsync(name, "reader-4", mode: "shared", waitMs: 20_000);
        await WaitForLock(name, s => s.QueueLength == 2, "the late reader to queue behind the writer");

        (await Api.ReleaseLockAsync(name, "reader-1", reader1)).Expect(HttpStatusCode.NoContent);
        (await Api.ReleaseLockAsync(name, "reader-2", reader2)).Expect(HttpStatusCode.NoContent);
        var writerToken = (await writer).Ok().Token;

        // The writer alone holds it; the late reader is still queued (not granted alongside).
        var whileWriting = await Status(name);
        Assert.Equal([("writer", writerToken)], whileWriting.HolderTokens);
        Assert.Equal(1, whileWriting.QueueLength);
        (await Api.ReleaseLockAsync(name, "writer", writerToken)).Expect(HttpStatusCode.NoContent);
        var lateToken = (await lateReader).Ok().Token;
        Assert.True(writerToken > reader2 && lateToken > writerToken, $"tokens {reader1},{reader2} → writer {writerToken} → reader {lateToken}");
        Assert.Equal([("reader-4", lateToken)], (await Status(name)).HolderTokens);
        (await Api.ReleaseLockAsync(name, "reader-4", lateToken)).Expect(HttpStatusCode.NoContent);
    }

    /// <summary>Waiters are granted in arrival order.</summary>
    [Fact]
    public async Task Acquire_WaitersAreGrantedInArrivalOrder()
    {
        const string name = "fifo.1";
        var holder = (await Api.AcquireLockAsync(name, "holder")).Ok().Token;
        var order = new ConcurrentQueue<int>();
        var waiters = new List<Task<long>>();
        for (var i = 0; i < 5; i++)
        {
            var index = i;
            waiters.Add(Task.Run(async () =>
            {
                var token = (await Api.AcquireLockAsync(name, $"waiter-{index}", waitMs: 20_000)).Ok().Token;
                order.Enqueue(index);
                (await Api.ReleaseLockAsync(name, $"waiter-{index}", token)).Expect(HttpStatusCode.NoContent);
                return token;
            }));
            await WaitForLock(name, s => s.QueueLength == index + 1, $"waiter {index} to queue");
        }

        (await Api.ReleaseLockAsync(name, "holder", holder)).Expect(HttpStatusCode.NoContent);
        var tokens = await Task.WhenAll(waiters);
        Assert.Equal([0, 1, 2, 3, 4], order.ToArray());
        Assert.Equal(tokens.Order(), tokens);
    }

    /// <summary>A waiter whose waitMs ends (by the grain's clock), or whose caller goes away, leaves the queue and is granted nothing.</summary>
    [Fact]
    public async Task Acquire_WhenWaitEndsOrCallerGoesAway_WaiterLeavesTheQueue()
    {
        const string name = "abandon.1";
        var holder = (await Api.AcquireLockAsync(name, "holder")).Ok().Token;

        var shortWait = Api.AcquireLockAsync(name, "short", waitMs: 200);
        await WaitForLock(name, s => s.QueueLength == 1, "the short waiter to queue");
        Time.Advance(TimeSpan.FromMilliseconds(199));
        Assert.Equal(1, (await Status(name)).QueueLength);
        await Time.AdvanceUntilAsync(() => shortWait.IsCompleted, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(20), "the 200 ms wait to end");
        var timedOut = ProblemAssert.IsProblem(await shortWait, HttpStatusCode.Conflict);
        Assert.Contains("holder", timedOut.Detail, StringComparison.Ordinal);
        Assert.Equal(0, (await Status(name)).QueueLength);

        using var gone = new CancellationTokenSource();
        var abandoned = Api.AcquireLockAsync(name, "gone", waitMs: 20_000, cancellationToken: gone.Token);
        await WaitForLock(name, s => s.QueueLength == 1, "the waiter to queue");
        await gone.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        await WaitForLock(name, s => s.QueueLength == 0, "the abandoned waiter to leave the queue");

        // Nothing was granted to either: the next release leaves the lock free.
        (await Api.ReleaseLockAsync(name, "holder", holder)).Expect(HttpStatusCode.NoContent);
        Assert.Empty((await Status(name)).Holders);
    }

    /// <summary>Renew and release with a wrong token or owner are 409 naming the holder and its expiry; the holder is unchanged.</summary>
    [Fact]
    public async Task RenewAndRelease_WithWrongTokenOrOwner_Return409AndLeaveHoldersUnchanged()
    {
        const string name = "wrong.1";
        var token = (await Api.AcquireLockAsync(name, "keeper")).Ok().Token;
        var before = await Status(name);

        var renew = ProblemAssert.IsProblem(await Api.RenewLockAsync(name, "keeper", token + 1), HttpStatusCode.Conflict);
        var holder = Assert.Single(renew.Holders);
        Assert.Equal(("keeper", token), (holder.Owner, holder.Token));
        Assert.True(renew.Root.GetProperty("holders")[0].TryGetProperty("expiresAt", out _));
        await ProblemAssert.IsProblem(Api.ReleaseLockAsync(name, "keeper", token + 1), HttpStatusCode.Conflict);
        await ProblemAssert.IsProblem(Api.ReleaseLockAsync(name, "intruder", token), HttpStatusCode.Conflict);

        var missingToken = await Api.SendJsonAsync(HttpMethod.Post, $"/v1/locks/{name}/release", new { owner = "keeper" });
        Assert.Equal("token", ProblemAssert.IsProblem(missingToken, HttpStatusCode.BadRequest).Field);
        var noOwner = await Api.SendJsonAsync(HttpMethod.Post, $"/v1/locks/{name}/renew", new { token });
        Assert.Equal("owner", ProblemAssert.IsProblem(noOwner, HttpStatusCode.BadRequest).Field);

        Assert.Equal(before.Holders, (await Status(name)).Holders);
        Assert.Equal(token, (await Api.RenewLockAsync(name, "keeper", token, leaseMs: 20_000)).Ok().Token);
        (await Api.ReleaseLockAsync(name, "keeper", token)).Expect(HttpStatusCode.NoContent);
    }

    /// <summary>A semaphore grants up to its permits, refuses beyond them (409 naming holders), and 404s until its permits are set.</summary>
    [Fact]
    public async Task Semaphore_GrantsUpToPermitsAndRefusesBeyond()
    {
        const string name = "pool.1";
        await ProblemAssert.IsProblem(Api.AcquireSemaphoreAsync(name, "early", count: 1), HttpStatusCode.NotFound);
        Assert.Equal(3, (await Api.SetPermitsAsync(name, 3)).Ok(HttpStatusCode.OK).Permits);

        var a = (await Api.AcquireSemaphoreAsync(name, "a", count: 2)).Ok().Token;
        var refused = ProblemAssert.IsProblem(await Api.AcquireSemaphoreAsync(name, "b", count: 2), HttpStatusCode.Conflict);
        Assert.Equal(["a"], refused.Holders.Select(h => h.Owner));
        var c = (await Api.AcquireSemaphoreAsync(name, "c", count: 1)).Ok().Token;
        Assert.True(c > a);
        Assert.Equal("count", ProblemAssert.IsProblem(await Api.AcquireSemaphoreAsync(name, "d", count: 4), HttpStatusCode.BadRequest).Field);

        var waiting = Api.AcquireSemaphoreAsync(name, "b", count: 2, waitMs: 20_000);
        await Eventually.Until(async ct => (await Api.GetSemaphoreAsync(name, ct)).Ok().QueueLength == 1, "b to queue");
        (await Api.ReleaseSemaphoreAsync(name, "a", a)).Expect(HttpStatusCode.NoContent);

        Assert.Equal(2, (await waiting).Ok().Count);
        var status = (await Api.GetSemaphoreAsync(name)).Ok();
        Assert.Equal(3, status.Permits);
        Assert.Equal(["b", "c"], status.Holders.Select(h => h.Owner).Order());
    }

    /// <summary>Ten candidates campaign at once without waiting: exactly one becomes leader, the others get 409 naming it.</summary>
    [Fact]
    public async Task Campaign_ConcurrentCandidates_ElectExactlyOneLeader()
    {
        const string name = "one-leader";
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Api.CampaignAsync(name, $"c{i}", leaseMs: 10_000)));

        var winner = Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK).Ok();
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a => ProblemAssert.IsProblem(a, HttpStatusCode.Conflict));
        var current = (await Api.GetLeaderAsync(name)).Ok();
        Assert.Equal((winner.Leader, winner.Term), (current.Leader, current.Term));
        (await Api.ResignAsync(name, winner.Leader!, winner.Term)).Expect(HttpStatusCode.NoContent);
    }

    /// <summary>
    /// A leader that stops proclaiming is replaced, once its lease ran out, by the waiting candidate with a higher
    /// term; after a resignation a third candidate leads. The SSE watch reports each new leader exactly once, in order.
    /// </summary>
    [Fact]
    public async Task Campaign_WhenLeaderStopsRenewing_NextCandidateLeadsWithHigherTermAndWatchReportsEachChangeOnce()
    {
        const string name = "watched";
        using var watching = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var events = Channel.CreateUnbounded<LeaderInfo>();
        var reader = Task.Run(async () =>
        {
            try
            {
                await foreach (var leader in Api.WatchLeaderAsync(name, watching.Token))
                {
                    await events.Writer.WriteAsync(leader, watching.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                events.Writer.TryComplete();
            }
        });

        Assert.Null((await events.Reader.ReadAsync(watching.Token)).Leader);

        var a = (await Api.CampaignAsync(name, "a", leaseMs: 500)).Ok();
        var campaign = Api.CampaignAsync(name, "b", leaseMs: 10_000, waitMs: 20_000);
        await Eventually.Until(async _ => (await fixture.Cluster.Client.Grain(LeaseKind.Election, name).Get()).QueueLength == 1, "b to queue");
        Time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.Equal(("a", a.Term), await LeaderOf(name));
        await Time.AdvanceUntilAsync(() => campaign.IsCompleted, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(20), "a's 500 ms lease to end");
        var b = (await campaign).Ok();
        Assert.Equal("b", b.Leader);
        Assert.True(b.Term > a.Term);
        await ProblemAssert.IsProblem(Api.ProclaimAsync(name, "a", a.Term), HttpStatusCode.Conflict);

        (await Api.ResignAsync(name, "b", b.Term)).Expect(HttpStatusCode.NoContent);
        var c = (await Api.CampaignAsync(name, "c", leaseMs: 10_000)).Ok();
        Assert.Equal(c.Term, (await Api.ProclaimAsync(name, "c", c.Term, leaseMs: 10_000)).Ok().Term);

        var seen = new List<LeaderInfo>();
        while (!seen.Any(e => e.Term == c.Term && e.Leader == "c"))
        {
            seen.Add(await events.Reader.ReadAsync(watching.Token));
        }

        await watching.CancelAsync();
        await reader;
        Assert.Equal([("a", a.Term), ("b", b.Term), ("c", c.Term)], seen.Where(e => e.Leader is not null).Select(e => (e.Leader!, e.Term)));
        for (var i = 1; i < seen.Count; i++)
        {
            Assert.NotEqual(seen[i - 1], seen[i]);
        }

        (await Api.ResignAsync(name, "c", c.Term)).Expect(HttpStatusCode.NoContent);
    }

    /// <summary>
    /// A typed-client handle keeps its lease through several lease lengths by renewing every third of it (the grain
    /// lists it as the only holder after each renewal), and disposing it releases the lock.
    /// </summary>
    [Fact]
    public async Task AcquireAsync_RenewsInBackgroundUntilDisposed_ThenReleases()
    {
        const string name = "client.renew";
        var lease = TimeSpan.FromSeconds(1.5);
        var handle = await Locks.AcquireAsync(name, lease: lease);
        await using (handle)
        {
            var started = Time.GetUtcNow();
            for (var renewal = 1; renewal <= 8; renewal++)
            {
                var before = handle.ExpiresAt;

                // Less than the lease: a renewal has to land within it, or the grain's timer would drop the holder.
                await Time.AdvanceUntilAsync(() => handle.ExpiresAt > before, TimeSpan.FromMilliseconds(100), lease - TimeSpan.FromMilliseconds(100), $"renewal {renewal}");
                Assert.Equal([handle.Token], (await Locks.GetAsync(name)).Holders.Select(h => h.Token));
                Assert.False(handle.Lost.IsCancellationRequested);
            }

            Assert.True(Time.GetUtcNow() - started >= 2 * lease, $"only {Time.GetUtcNow() - started} of fake time passed");
            // A refusal is a PlatformConflictException that names the holders, typed.
            var other = await Assert.ThrowsAsync<LeaseConflictException>(() => Locks.AcquireAsync(name));
            Assert.IsAssignableFrom<PlatformConflictException>(other);
            Assert.Contains(handle.Owner, other.Message, StringComparison.Ordinal);
            Assert.Equal([handle.Token], other.Holders.Select(h => h.Token));
        }

        Assert.Empty((await Locks.GetAsync(name)).Holders);
        await using var next = await Locks.AcquireAsync(name);
        Assert.True(next.Token > handle.Token);
    }

    /// <summary>When the lease is taken away (released behind the holder's back), the next renewal is refused and Lost fires before the lease would have run out.</summary>
    [Fact]
    public async Task AcquireAsync_WhenLeaseIsTakenAway_FiresLost()
    {
        const string name = "client.lost";
        var lease = TimeSpan.FromSeconds(1);
        await using var handle = await Locks.AcquireAsync(name, lease: lease);
        (await Api.ReleaseLockAsync(name, handle.Owner, handle.Token)).Expect(HttpStatusCode.NoContent);

        await Time.AdvanceUntilAsync(() => handle.Lost.IsCancellationRequested, TimeSpan.FromMilliseconds(50), lease - TimeSpan.FromMilliseconds(100), "Lost after the refused renewal");
        Assert.Empty((await Locks.GetAsync(name)).Holders);
    }

    /// <summary>Without renewal the handle's Lost fires by its own clock when the lease runs out, not before; then a waiter gets the lock with a higher token.</summary>
    [Fact]
    public async Task AcquireAsync_WithoutRenewal_FiresLostWhenLeaseRunsOut()
    {
        const string name = "client.norenew";
        await using var handle = await Locks.AcquireAsync(name, new LeaseOptions { Lease = TimeSpan.FromMilliseconds(300), AutoRenew = false });
        Time.Advance(TimeSpan.FromMilliseconds(299));
        await Task.Delay(50);
        Assert.False(handle.Lost.IsCancellationRequested, "Lost fired before the lease ran out");
        Assert.Equal([handle.Token], (await Locks.GetAsync(name)).Holders.Select(h => h.Token));

        await Time.AdvanceUntilAsync(() => handle.Lost.IsCancellationRequested, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(10), "Lost at the end of the 300 ms lease");
        var waiting = Locks.AcquireAsync(name, wait: TimeSpan.FromSeconds(20));
        await Time.AdvanceUntilAsync(() => waiting.IsCompleted, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(20), "the grain to expire the lease");
        await using var next = await waiting;
        Assert.True(next.Token > handle.Token);
        Assert.Equal([next.Token], (await Locks.GetAsync(name)).Holders.Select(h => h.Token));
    }

    /// <summary>CampaignAsync elects; a second candidate waits and leads after the first resigns; WatchAsync sees both once.</summary>
    [Fact]
    public async Task CampaignAsync_SecondCandidateLeadsAfterResignation_AndWatchSeesBoth()
    {
        const string name = "client.election";
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = new ConcurrentQueue<ElectionLeader>();
        var first = await Elections.CampaignAsync(name, "first");
        var watching = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watch = Task.Run(async () =>
        {
            await foreach (var leader in Elections.WatchAsync(name, stop.Token))
            {
                seen.Enqueue(leader);
                watching.TrySetResult();
                if (leader.Leader == "second")
                {
                    return;
                }
            }
        });

        await watching.Task.WaitAsync(stop.Token);
        var campaign = Elections.CampaignAsync(name, "second", new LeaseOptions { Wait = TimeSpan.FromSeconds(20) });
        await first.DisposeAsync();
        await using var second = await campaign;
        await watch;
        Assert.True(second.Token > first.Token);
        Assert.Equal(["first", "second"], seen.Where(l => l.Leader is not null).Select(l => l.Leader!));
        Assert.Equal(second.Token, (await Elections.GetLeaderAsync(name)).Term);
    }

    /// <summary>Semaphores through the typed client: unset is NotFound, permits bound the holders, release frees them.</summary>
    [Fact]
    public async Task SemaphoreAcquireAsync_HonoursPermits()
    {
        const string name = "client.pool";
        await Assert.ThrowsAsync<PlatformNotFoundException>(() => Semaphores.AcquireAsync(name));
        await Semaphores.SetPermitsAsync(name, 3);
        var two = await Semaphores.AcquireAsync(name, 2);
        await using (var one = await Semaphores.AcquireAsync(name, 1))
        {
            await Assert.ThrowsAsync<LeaseConflictException>(() => Semaphores.AcquireAsync(name, 1));
            Assert.True(one.Token > two.Token);
        }

        var waiting = Semaphores.AcquireAsync(name, 3, new LeaseOptions { Wait = TimeSpan.FromSeconds(20) });
        await two.DisposeAsync();
        await using var all = await waiting;
        Assert.Equal([3], (await Semaphores.GetAsync(name)).Holders.Select(h => h.Count));
    }

    /// <summary>
    /// The handle-less lease calls the HTTP API uses serve .NET callers the same way: grant, renew, a refusal naming
    /// the holder and queue length, a renew of a lost lease refused, release; bad input refused before the grain.
    /// </summary>
    [Fact]
    public async Task AcquireLeaseAsync_RenewRelease_RefusalsCarryHoldersAndQueueLength()
    {
        const string name = "client.manual";
        var lease = await Locks.AcquireLeaseAsync(name, new LeaseRequest { Owner = "a", LeaseMs = 10_000 });
        Time.Advance(TimeSpan.FromSeconds(1));
        var renewed = await Locks.RenewLeaseAsync(name, "a", lease.Token, 20_000);
        Assert.Equal(lease.Token, renewed.Token);
        Assert.True(renewed.ExpiresAt > lease.ExpiresAt);

        var refused = await Assert.ThrowsAsync<LeaseConflictException>(() => Locks.AcquireLeaseAsync(name, new LeaseRequest { Owner = "b" }));
        Assert.Equal([("a", lease.Token)], refused.Holders.Select(h => (h.Owner, h.Token)));
        Assert.Equal(0, refused.QueueLength);
        Assert.Equal(0, refused.Details["queueLength"]);
        await Assert.ThrowsAsync<LeaseConflictException>(() => Locks.RenewLeaseAsync(name, "a", lease.Token + 1));

        Assert.Equal("owner", (await Assert.ThrowsAsync<PlatformValidationException>(() => Locks.ReleaseLeaseAsync(name, " ", lease.Token))).Field);
        Assert.Equal("waitMs", (await Assert.ThrowsAsync<PlatformValidationException>(() => Locks.AcquireLeaseAsync(name, new LeaseRequest { Owner = "c", WaitMs = -1 }))).Field);
        Assert.Equal("name", Assert.Throws<PlatformValidationException>(() => Elections.WatchAsync("no/slash")).Field);

        await Locks.ReleaseLeaseAsync(name, "a", lease.Token);
        Assert.Empty((await Locks.GetAsync(name)).Holders);
    }

    /// <summary>
    /// Ends a lease by the clock: just before its end the holders are still <paramref name="holders"/> and
    /// <paramref name="waiter"/> is not granted; within a few fake milliseconds after it, the grain's timer has handed
    /// the lock over (no client call involved).
    /// </summary>
    private async Task ExpireLeaseAsync(string name, (string Owner, long Token)[] holders, int leaseMs, Task waiter)
    {
        Time.Advance(TimeSpan.FromMilliseconds(leaseMs - 1));
        var before = await Status(name);
        Assert.Equal(holders, before.HolderTokens);
        Assert.Equal(1, before.QueueLength);
        await Time.AdvanceUntilAsync(() => waiter.IsCompleted, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(20), $"the {leaseMs} ms lease of {name} to end");
    }

    private async Task<LeaseInfo> Status(string name) => (await Api.GetLockAsync(name)).Ok();

    private async Task<(string?, long)> LeaderOf(string name)
    {
        var leader = (await Api.GetLeaderAsync(name)).Ok();
        return (leader.Leader, leader.Term);
    }

    private Task<ApiResponse<LeaseInfo>> WaitForLock(string name, Func<LeaseInfo, bool> condition, string what) =>
        Eventually.Until(ct => Api.GetLockAsync(name, ct), r => r.IsSuccess && condition(r.Ok()), what,
            new EventuallyOptions { Describe = r => r?.ToString() + " " + (r as ApiResponse)?.Text });

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
