using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Platform.Locks;
using Platform.Tests.Infrastructure;
using static Platform.Tests.Locks.LockHttp;

namespace Platform.Tests.Locks;

[Collection(ClusterCollection.Name)]
public sealed class LocksHttpTests(ClusterFixture fixture)
{
    private HttpClient Http => fixture.Http;

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
            var token = await Acquire(Http, name, owner, leaseMs: 30_000, waitMs: 20_000);
            var granted = Stopwatch.GetTimestamp();
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref maxInside, now);
            await Task.Delay(Random.Shared.Next(1, 10));
            Interlocked.Decrement(ref inside);
            var released = Stopwatch.GetTimestamp();
            intervals.Add((token, granted, released));
            await Release(Http, name, owner, token);
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
        var status = await Status(Http, $"/v1/locks/{name}");
        Assert.Empty(Holders(status));
        Assert.Equal(0, QueueLength(status));
    }

    /// <summary>A holder that stops renewing loses the lock when its lease runs out, with no client call; the waiter gets a higher token; the old holder's renew and release are refused.</summary>
    [Fact]
    public async Task Acquire_WhenLeaseExpires_NextWaiterGetsHigherTokenAndOldHolderIsRefused()
    {
        const string name = "expiry.1";
        var old = await Acquire(Http, name, "sleepy", leaseMs: 500);
        var next = await Acquire(Http, name, "patient", waitMs: 20_000);
        Assert.True(next > old, $"token {next} after {old}");

        var renew = await PostConflict(Http, $"/v1/locks/{name}/renew", new { owner = "sleepy", token = old, leaseMs = 1000 });
        Assert.Contains("patient", renew.GetProperty("holders").ToString());
        await PostConflict(Http, $"/v1/locks/{name}/release", new { owner = "sleepy", token = old });
        Assert.Equal([("patient", next)], Holders(await Status(Http, $"/v1/locks/{name}")));
        await Release(Http, name, "patient", next);
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
            using var created = await Http.PutAsJsonAsync($"/v1/namespaces/{ns}", new { shards = 2, transactional = true });
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }

        var name = $"fence.{ns}";
        var url = $"/v1/kv/{ns}/fenced-account";
        var old = await Acquire(Http, name, "paused", leaseMs: 400);
        using (var first = await FencedPut(url, "written by paused", name, old))
        {
            Assert.True(first.IsSuccessStatusCode, await first.Content.ReadAsStringAsync());
        }

        // "paused" stops renewing; "fresh" gets the lock once the lease is gone.
        var fresh = await Acquire(Http, name, "fresh", waitMs: 20_000);
        Assert.True(fresh > old);

        // The paused holder wakes up before the new holder wrote: refused by the lock's check.
        using (var stale = await FencedPut(url, "stale write 1", name, old))
        {
            await ProblemAssert.IsProblem(stale, HttpStatusCode.Conflict);
        }

        using (var good = await FencedPut(url, "written by fresh", name, fresh))
        {
            Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        }

        using (var stale = await FencedPut(url, "stale write 2", name, old))
        {
            await ProblemAssert.IsProblem(stale, HttpStatusCode.Conflict);
        }

        using (var staleDelete = await Fenced(HttpMethod.Delete, url, null, name, old))
        {
            await ProblemAssert.IsProblem(staleDelete, HttpStatusCode.Conflict);
        }

        Assert.Equal("written by fresh", await Http.GetStringAsync(url));
        await Release(Http, name, "fresh", fresh);
    }

    /// <summary>
    /// The per-key record: even when the lock itself forgot its counter (its state row lost) and grants token 1 again,
    /// a key that has seen token 2 of that lock refuses token 1.
    /// </summary>
    [Fact]
    public async Task FencedPut_WithTokenBelowOneTheKeyHasSeen_IsRefusedEvenWhenTheLockForgotIt()
    {
        const string name = "forgetful.1";
        const string url = "/v1/kv/default/fenced-per-key";
        var first = await Acquire(Http, name, "a");
        await Release(Http, name, "a", first);
        var second = await Acquire(Http, name, "b");
        using (var put = await FencedPut(url, "token 2", name, second))
        {
            Assert.True(put.IsSuccessStatusCode);
        }

        await Release(Http, name, "b", second);
        fixture.LeaseStore.Remove(k => k.EndsWith("/lock/" + name, StringComparison.Ordinal));

        var reborn = await Acquire(Http, name, "c");
        Assert.Equal(1, reborn);
        using var stale = await FencedPut(url, "token 1 again", name, reborn);
        var problem = await ProblemAssert.IsProblem(stale, HttpStatusCode.Conflict);
        Assert.Contains("token 2", problem.GetProperty("detail").GetString());
        Assert.Equal("token 2", await Http.GetStringAsync(url));
        await Release(Http, name, "c", reborn);
    }

    /// <summary>Another activation's write (played by changing the stored state behind the grain) makes the grain's write lose the ETag race; it re-reads and grants above the other's counter.</summary>
    [Fact]
    public async Task Acquire_AfterAnotherActivationWroteTheState_ReloadsAndNeverReusesAToken()
    {
        const string name = "duplicate.1";
        var first = await Acquire(Http, name, "a");
        await Release(Http, name, "a", first);
        fixture.LeaseStore.Tamper<LockState>(k => k.EndsWith("/lock/" + name, StringComparison.Ordinal), s => s.LastToken += 10);

        var next = await Acquire(Http, name, "b");
        Assert.Equal(first + 11, next);
        Assert.Equal(next, (await Status(Http, $"/v1/locks/{name}")).GetProperty("lastToken").GetInt64());
        await Release(Http, name, "b", next);
    }

    /// <summary>Many shared holders at once; a queued exclusive request is served before shared requests that came after it (no writer starvation).</summary>
    [Fact]
    public async Task Acquire_QueuedExclusive_IsNotStarvedBySharedRequests()
    {
        const string name = "rw.1";
        var url = $"/v1/locks/{name}";
        var reader1 = await Acquire(Http, name, "reader-1", mode: "shared");
        var reader2 = await Acquire(Http, name, "reader-2", mode: "shared");
        var writer = Acquire(Http, name, "writer", waitMs: 20_000);
        await WaitForStatus(Http, url, s => QueueLength(s) == 1, "the writer to queue");

        // A new reader may not overtake the queued writer.
        await PostConflict(Http, $"{url}/acquire", new { owner = "reader-3", mode = "shared" });
        var lateReader = Acquire(Http, name, "reader-4", mode: "shared", waitMs: 20_000);
        await WaitForStatus(Http, url, s => QueueLength(s) == 2, "the late reader to queue behind the writer");

        await Release(Http, name, "reader-1", reader1);
        await Release(Http, name, "reader-2", reader2);
        var writerToken = await writer;
        Assert.False(lateReader.IsCompleted);
        await Release(Http, name, "writer", writerToken);
        var lateToken = await lateReader;
        Assert.True(writerToken > reader2 && lateToken > writerToken, $"tokens {reader1},{reader2} → writer {writerToken} → reader {lateToken}");
        await Release(Http, name, "reader-4", lateToken);
    }

    /// <summary>Waiters are granted in arrival order.</summary>
    [Fact]
    public async Task Acquire_WaitersAreGrantedInArrivalOrder()
    {
        const string name = "fifo.1";
        var url = $"/v1/locks/{name}";
        var holder = await Acquire(Http, name, "holder");
        var order = new ConcurrentQueue<int>();
        var waiters = new List<Task<long>>();
        for (var i = 0; i < 5; i++)
        {
            var index = i;
            waiters.Add(Task.Run(async () =>
            {
                var token = await Acquire(Http, name, $"waiter-{index}", waitMs: 20_000);
                order.Enqueue(index);
                await Release(Http, name, $"waiter-{index}", token);
                return token;
            }));
            await WaitForStatus(Http, url, s => QueueLength(s) == index + 1, $"waiter {index} to queue");
        }

        await Release(Http, name, "holder", holder);
        var tokens = await Task.WhenAll(waiters);
        Assert.Equal([0, 1, 2, 3, 4], order.ToArray());
        Assert.Equal(tokens.Order(), tokens);
    }

    /// <summary>A waiter whose waitMs ends, or whose caller goes away, leaves the queue.</summary>
    [Fact]
    public async Task Acquire_WhenWaitEndsOrCallerGoesAway_WaiterLeavesTheQueue()
    {
        const string name = "abandon.1";
        var url = $"/v1/locks/{name}";
        var holder = await Acquire(Http, name, "holder");

        var timedOut = await PostConflict(Http, $"{url}/acquire", new { owner = "short", waitMs = 200 });
        Assert.Contains("holder", timedOut.GetProperty("detail").GetString());
        Assert.Equal(0, QueueLength(await Status(Http, url)));

        using var gone = new CancellationTokenSource();
        var abandoned = Post(Http, $"{url}/acquire", new { owner = "gone", waitMs = 20_000 }, gone.Token);
        await WaitForStatus(Http, url, s => QueueLength(s) == 1, "the waiter to queue");
        await gone.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        await WaitForStatus(Http, url, s => QueueLength(s) == 0, "the abandoned waiter to leave the queue");

        // Nothing was granted to the one who left: the next release leaves the lock free.
        await Release(Http, name, "holder", holder);
        Assert.Empty(Holders(await Status(Http, url)));
    }

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
        var url = $"/v1/locks/{name}";
        var token = await Acquire(Http, name, "keeper");
        var before = Holders(await Status(Http, url));

        using var response = await Http.PostAsync($"{url}/acquire", new StringContent(body, Encoding.UTF8, "application/json"));
        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
        Assert.Equal(field, problem.GetProperty("field").GetString());

        var after = await Status(Http, url);
        Assert.Equal(before, Holders(after));
        Assert.Equal(token, after.GetProperty("lastToken").GetInt64());
        await Release(Http, name, "keeper", token);
    }

    /// <summary>A lock name outside the name rules is a 400 naming "name".</summary>
    [Fact]
    public async Task Acquire_WithInvalidName_Returns400()
    {
        using var response = await Post(Http, "/v1/locks/orders%2F42/acquire", new { owner = "x" });
        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
        Assert.Equal("name", problem.GetProperty("field").GetString());
    }

    /// <summary>Renew and release with a wrong token or owner are 409 naming the holder and its expiry; the holder is unchanged.</summary>
    [Fact]
    public async Task RenewAndRelease_WithWrongTokenOrOwner_Return409AndLeaveHoldersUnchanged()
    {
        const string name = "wrong.1";
        var url = $"/v1/locks/{name}";
        var token = await Acquire(Http, name, "keeper");
        var before = await Status(Http, url);

        var renew = await PostConflict(Http, $"{url}/renew", new { owner = "keeper", token = token + 1 });
        var holder = renew.GetProperty("holders")[0];
        Assert.Equal("keeper", holder.GetProperty("owner").GetString());
        Assert.True(holder.TryGetProperty("expiresAt", out _));
        await PostConflict(Http, $"{url}/release", new { owner = "keeper", token = token + 1 });
        await PostConflict(Http, $"{url}/release", new { owner = "intruder", token });

        using (var missing = await Post(Http, $"{url}/release", new { owner = "keeper" }))
        {
            Assert.Equal("token", (await ProblemAssert.IsProblem(missing, HttpStatusCode.BadRequest)).GetProperty("field").GetString());
        }

        using (var noOwner = await Post(Http, $"{url}/renew", new { token }))
        {
            Assert.Equal("owner", (await ProblemAssert.IsProblem(noOwner, HttpStatusCode.BadRequest)).GetProperty("field").GetString());
        }

        var after = await Status(Http, url);
        Assert.Equal(before.GetProperty("holders").ToString(), after.GetProperty("holders").ToString());

        var renewed = await PostOk(Http, $"{url}/renew", new { owner = "keeper", token, leaseMs = 20_000 });
        Assert.Equal(token, renewed.GetProperty("token").GetInt64());
        await Release(Http, name, "keeper", token);
    }

    /// <summary>A semaphore grants up to its permits, refuses beyond them (409 naming holders), and 404s until its permits are set.</summary>
    [Fact]
    public async Task Semaphore_GrantsUpToPermitsAndRefusesBeyond()
    {
        const string url = "/v1/semaphores/pool.1";
        using (var unset = await Post(Http, $"{url}/acquire", new { owner = "early", count = 1 }))
        {
            await ProblemAssert.IsProblem(unset, HttpStatusCode.NotFound);
        }

        using (var put = await Http.PutAsJsonAsync(url, new { permits = 3 }))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var a = (await PostOk(Http, $"{url}/acquire", new { owner = "a", count = 2 })).GetProperty("token").GetInt64();
        var refused = await PostConflict(Http, $"{url}/acquire", new { owner = "b", count = 2 });
        Assert.Contains("\"a\"", refused.GetProperty("holders").ToString());
        var c = (await PostOk(Http, $"{url}/acquire", new { owner = "c", count = 1 })).GetProperty("token").GetInt64();
        Assert.True(c > a);

        using (var tooMany = await Post(Http, $"{url}/acquire", new { owner = "d", count = 4 }))
        {
            Assert.Equal("count", (await ProblemAssert.IsProblem(tooMany, HttpStatusCode.BadRequest)).GetProperty("field").GetString());
        }

        var waiting = PostOk(Http, $"{url}/acquire", new { owner = "b", count = 2, waitMs = 20_000 });
        await WaitForStatus(Http, url, s => QueueLength(s) == 1, "b to queue");
        using (var release = await Post(Http, $"{url}/release", new { owner = "a", token = a }))
        {
            Assert.Equal(HttpStatusCode.NoContent, release.StatusCode);
        }

        var b = await waiting;
        Assert.Equal(2, b.GetProperty("count").GetInt32());
        var status = await Status(Http, url);
        Assert.Equal(3, status.GetProperty("permits").GetInt32());
        Assert.Equal(["b", "c"], Holders(status).Select(h => h.Owner).Order());
    }

    private Task<HttpResponseMessage> FencedPut(string url, string value, string lockName, long token) =>
        Fenced(HttpMethod.Put, url, value, lockName, token);

    private async Task<HttpResponseMessage> Fenced(HttpMethod method, string url, string? value, string lockName, long token)
    {
        using var request = new HttpRequestMessage(method, url);
        if (value is not null)
        {
            request.Content = new StringContent(value);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        }

        request.Headers.Add("Platform-Fence", $"{lockName}:{token}");
        return await Http.SendAsync(request);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
