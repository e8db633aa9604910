using System.Collections.Concurrent;
using Platform.Errors;
using Platform.Locks;

namespace Platform.Tests.Locks;

/// <summary>
/// The lease grain when its state write fails (a timeout, throttling) or is still in flight: nothing unpersisted is
/// ever granted, answered or shown, waiters are served once storage answers again, and a fencing token is never
/// handed out twice or out of order. Faults are injected into the real (memory) grain storage by a decorator.
/// </summary>
public sealed class LockStorageFaultTests(FaultyStorageCluster fixture) : IClassFixture<FaultyStorageCluster>
{
    private StorageFaults Faults => fixture.Faults;

    private static string Unique(string prefix) => $"{prefix}.{Guid.NewGuid():N}";

    private ILockGrain Grain(LeaseKind kind, string name) => fixture.Client.Grain(kind, name);

    /// <summary>
    /// A grant whose write times out leaves no phantom holder and no advanced counter: the caller hears 503, the
    /// lock shows no holder, and the next acquire is granted at once with the next token.
    /// </summary>
    [Fact]
    public async Task Acquire_WhenTheGrantsWriteFails_LeavesNoPhantomHolderAndTheNextAcquireIsGranted()
    {
        var name = Unique("phantom");
        var grain = Grain(LeaseKind.Lock, name);
        Assert.Equal(LeaseStatus.Ok, (await grain.Acquire(new LeaseRequest { Owner = "first" })).Status);
        Assert.Equal(LeaseStatus.Ok, (await grain.Release("first", 1)).Status);

        Faults.FailWrites(name, 1, StorageFaults.Timeout);
        await Assert.ThrowsAsync<PlatformUnavailableException>(() => grain.Acquire(new LeaseRequest { Owner = "a" }));

        var view = await grain.Get();
        Assert.Empty(view.Holders);
        Assert.Equal(1, view.LastToken);

        var b = await grain.Acquire(new LeaseRequest { Owner = "b", WaitMs = 0 });
        Assert.Equal(LeaseStatus.Ok, b.Status);
        Assert.Equal(2, b.Lease!.Token);
        Assert.Equal([("b", 2L)], (await grain.Get()).Holders.Select(h => (h.Owner, h.Token)));
    }

    /// <summary>
    /// A grant whose write landed although the caller heard an error (unknown outcome): the grain re-reads storage
    /// before its next decision, so the token that may be out there is never handed out again.
    /// </summary>
    [Fact]
    public async Task Acquire_AfterAWriteWithUnknownOutcome_RereadsAndNeverReusesItsToken()
    {
        var name = Unique("unknown");
        var grain = Grain(LeaseKind.Lock, name);
        Faults.FailWrites(name, 1, StorageFaults.Timeout, afterWriting: true);
        await Assert.ThrowsAsync<PlatformUnavailableException>(() => grain.Acquire(new LeaseRequest { Owner = "a", LeaseMs = 200 }));

        // Storage holds a's lease (token 1) although a never learnt it: b waits it out and gets token 2.
        var b = await grain.Acquire(new LeaseRequest { Owner = "b", WaitMs = 10_000 });
        Assert.Equal(LeaseStatus.Ok, b.Status);
        Assert.Equal(2, b.Lease!.Token);
    }

    /// <summary>
    /// While a grant's write is in flight, Get and the election watch show the state as persisted (no new leader);
    /// when that write then fails, the leader never appears at all.
    /// </summary>
    [Fact]
    public async Task GetAndWatch_WhileAGrantIsBeingWritten_ShowOnlyPersistedHolders()
    {
        var name = Unique("watch");
        var grain = Grain(LeaseKind.Election, name);
        var hold = Faults.HoldNextWrite(name);
        var campaign = grain.Acquire(new LeaseRequest { Owner = "candidate-a" });
        await hold.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var during = await grain.Get();
        Assert.Null(during.Leader);
        Assert.Equal(0, during.LastToken);
        var watch = grain.WaitForChange([], 1_000);

        hold.Fail(StorageFaults.Throttled());
        await Assert.ThrowsAsync<PlatformUnavailableException>(() => campaign);
        var watched = await watch;
        Assert.Null(watched.Leader);
        Assert.Null((await grain.Get()).Leader);
    }

    /// <summary>
    /// A semaphore hand-over whose write fails changes nothing: the releasing holder still holds, and when its
    /// release is retried each waiter is granted exactly once, within the permits.
    /// </summary>
    [Fact]
    public async Task Semaphore_WhenAHandOverWriteFails_GrantsEachWaiterOnceWithinThePermits()
    {
        var name = Unique("permits");
        var grain = Grain(LeaseKind.Semaphore, name);
        await grain.SetPermits(2);
        var a = await grain.Acquire(new LeaseRequest { Owner = "a", Count = 2, LeaseMs = 30_000 });
        Assert.Equal(LeaseStatus.Ok, a.Status);
        var b = grain.Acquire(new LeaseRequest { Owner = "b", Count = 1, LeaseMs = 30_000, WaitMs = 15_000 });
        var c = grain.Acquire(new LeaseRequest { Owner = "c", Count = 1, LeaseMs = 30_000, WaitMs = 15_000 });
        await WaitUntil(async () => (await grain.Get()).QueueLength == 2, "b and c queued");

        Faults.FailWrites(name, 1, StorageFaults.Throttled);
        await Assert.ThrowsAsync<PlatformUnavailableException>(() => grain.Release("a", a.Lease!.Token));
        Assert.Equal(["a"], (await grain.Get()).Holders.Select(h => h.Owner));

        Assert.Equal(LeaseStatus.Ok, (await grain.Release("a", a.Lease!.Token)).Status);
        var granted = await Task.WhenAll(b, c);
        Assert.All(granted, g => Assert.Equal(LeaseStatus.Ok, g.Status));
        var holders = (await grain.Get()).Holders;
        Assert.Equal(["b", "c"], holders.Select(h => h.Owner).Order());
        Assert.True(holders.Sum(h => h.Count) <= 2);
        Assert.Equal(holders.Select(h => h.Token).Order(), granted.Select(g => g.Lease!.Token).Order());
    }

    /// <summary>
    /// An expiry hand-over whose write fails leaves the queue as it was; a shared request that arrives then is
    /// granted at once together with the queued shared waiter ahead of it (the permit is free), each exactly once.
    /// </summary>
    [Fact]
    public async Task Acquire_AfterAFailedExpiryHandOver_IsGrantedAtOnceWhenItFits()
    {
        var name = Unique("handover");
        var grain = Grain(LeaseKind.Lock, name);
        var exclusive = await grain.Acquire(new LeaseRequest { Owner = "x", LeaseMs = 1_500 });
        Assert.Equal(LeaseStatus.Ok, exclusive.Status);
        var first = grain.Acquire(new LeaseRequest { Owner = "s1", Mode = LeaseMode.Shared, LeaseMs = 30_000, WaitMs = 15_000 });
        await WaitUntil(async () => (await grain.Get()).QueueLength == 1, "s1 queued");
        var injected = Faults.Injected;
        Faults.FailWrites(name, 1, StorageFaults.Timeout);
        await WaitUntil(() => Task.FromResult(Faults.Injected > injected), "the expiry hand-over's write failed");

        var second = await grain.Acquire(new LeaseRequest { Owner = "s2", Mode = LeaseMode.Shared, LeaseMs = 30_000, WaitMs = 3_000 });
        Assert.Equal(LeaseStatus.Ok, second.Status);
        Assert.Equal(LeaseStatus.Ok, (await first).Status);
        var holders = (await grain.Get()).Holders;
        Assert.Equal(["s1", "s2"], holders.Select(h => h.Owner).Order());
        Assert.Equal(holders.Count, holders.Select(h => h.Token).Distinct().Count());
    }

    /// <summary>
    /// The expiry timer survives storage failures: while the hand-over writes keep failing with throttling it retries
    /// on its own, and the waiter is granted once storage answers, with no other call.
    /// </summary>
    [Fact]
    public async Task Expiry_WhenHandOverWritesKeepFailing_RetriesAndGrantsTheWaiterWithoutAnyCall()
    {
        // The faults must be in place before x's lease runs out. On a loaded machine queueing w can take longer than
        // the lease, so a round where x had already gone when the faults went in proves nothing and is run again.
        for (var round = 0; round < 5; round++)
        {
            var name = Unique("retry");
            var grain = Grain(LeaseKind.Lock, name);
            Assert.Equal(LeaseStatus.Ok, (await grain.Acquire(new LeaseRequest { Owner = "x", LeaseMs = 3_000 })).Status);
            var waiting = grain.Acquire(new LeaseRequest { Owner = "w", WaitMs = 20_000 });
            await WaitUntil(async () => (await grain.Get()).QueueLength == 1, "w queued");
            var injected = Faults.Injected;
            Faults.FailWrites(name, 3, StorageFaults.Throttled);
            if ((await grain.Get()).Holders.Select(h => h.Owner).SingleOrDefault() != "x" || Faults.Injected != injected)
            {
                Faults.Clear(name);
                await waiting;
                continue;
            }

            var waiter = await waiting;
            if (Faults.Injected == injected)
            {
                // The hand-over's write was already in flight when the faults went in: no write failed.
                Faults.Clear(name);
                continue;
            }

            Assert.Equal(injected + 3, Faults.Injected);
            Assert.Equal(LeaseStatus.Ok, waiter.Status);
            Assert.Equal(2, waiter.Lease!.Token);
            return;
        }

        Assert.Fail("In five rounds x's lease ran out before the faults were in place.");
    }

    /// <summary>
    /// Five contenders acquire and release one lock while a fifth of its writes fail, half of them after landing:
    /// every token answered is unique, each contender's tokens grow, and none is above what storage holds.
    /// </summary>
    [Fact]
    public async Task Acquire_UnderRandomWriteFailures_NeverHandsOutATokenTwiceOrBackwards()
    {
        var name = Unique("chaos");
        var grain = Grain(LeaseKind.Lock, name);
        Faults.FailRandomly(name, 0.2, seed: 9, StorageFaults.Timeout);
        var grants = new ConcurrentQueue<(int Contender, long Token)>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(4));
        await Task.WhenAll(Enumerable.Range(0, 5).Select(i => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var lease = await grain.Acquire(new LeaseRequest { Owner = $"c{i}", LeaseMs = 300, WaitMs = 1_000 });
                    if (lease.Status == LeaseStatus.Ok)
                    {
                        grants.Enqueue((i, lease.Lease!.Token));
                        await grain.Release($"c{i}", lease.Lease.Token);
                    }
                }
                catch (PlatformUnavailableException)
                {
                }
            }
        })));

        Faults.Clear(name);
        var tokens = grants.Select(g => g.Token).ToList();
        Assert.NotEmpty(tokens);
        Assert.Equal(tokens.Count, tokens.Distinct().Count());
        foreach (var contender in grants.GroupBy(g => g.Contender))
        {
            Assert.Equal(contender.Select(g => g.Token).Order(), contender.Select(g => g.Token));
        }

        Assert.True((await grain.CheckFence(1)).LastToken >= tokens.Max());
    }

    private static async Task WaitUntil(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting until {what}.");
            await Task.Delay(20);
        }
    }
}
