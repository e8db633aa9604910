using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Errors;
using Platform.Locks;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Locks;

/// <summary>The typed .NET client: handles with background renewal, Lost, fencing tokens, elections.</summary>
[Collection(ClusterCollection.Name)]
public sealed class LockClientTests(ClusterFixture fixture)
{
    private ILocks Locks => fixture.ClientServices.GetRequiredService<ILocks>();

    private IElection Elections => fixture.ClientServices.GetRequiredService<IElection>();

    private ISemaphores Semaphores => fixture.ClientServices.GetRequiredService<ISemaphores>();

    /// <summary>A handle keeps its lease through several lease lengths by renewing in the background, and disposing it releases the lock.</summary>
    [Fact]
    public async Task AcquireAsync_RenewsInBackgroundUntilDisposed_ThenReleases()
    {
        const string name = "client.renew";
        var handle = await Locks.AcquireAsync(name, lease: TimeSpan.FromSeconds(1.5));
        await using (handle)
        {
            var firstExpiry = handle.ExpiresAt;
            await Task.Delay(TimeSpan.FromSeconds(4));
            var view = await Locks.GetAsync(name);
            Assert.Equal([handle.Token], view.Holders.Select(h => h.Token));
            Assert.False(handle.Lost.IsCancellationRequested);
            Assert.True(handle.ExpiresAt > firstExpiry);

            // A refusal is a PlatformConflictException that names the holders, typed.
            var other = await Assert.ThrowsAsync<LeaseConflictException>(() => Locks.AcquireAsync(name));
            Assert.IsAssignableFrom<PlatformConflictException>(other);
            Assert.Contains(handle.Owner, other.Message);
            Assert.Equal([handle.Token], other.Holders.Select(h => h.Token));
        }

        Assert.Empty((await Locks.GetAsync(name)).Holders);
        await using var next = await Locks.AcquireAsync(name);
        Assert.True(next.Token > handle.Token);
    }

    /// <summary>When the lease is taken away (released behind the holder's back), the next renewal is refused and Lost fires.</summary>
    [Fact]
    public async Task AcquireAsync_WhenLeaseIsTakenAway_FiresLost()
    {
        const string name = "client.lost";
        await using var handle = await Locks.AcquireAsync(name, lease: TimeSpan.FromSeconds(1));
        using (var release = await fixture.Http.PostAsJsonAsync($"/v1/locks/{name}/release", new { owner = handle.Owner, token = handle.Token }))
        {
            Assert.True(release.IsSuccessStatusCode);
        }

        await WaitFor(handle.Lost);
        Assert.True(handle.Lost.IsCancellationRequested);
    }

    /// <summary>Without renewal the handle's Lost fires by its own clock once the lease ran out.</summary>
    [Fact]
    public async Task AcquireAsync_WithoutRenewal_FiresLostWhenLeaseRunsOut()
    {
        await using var handle = await Locks.AcquireAsync("client.norenew", new LeaseOptions { Lease = TimeSpan.FromMilliseconds(300), AutoRenew = false });
        await WaitFor(handle.Lost);
        await using var next = await Locks.AcquireAsync("client.norenew", wait: TimeSpan.FromSeconds(20));
        Assert.True(next.Token > handle.Token);
    }

    /// <summary>CampaignAsync elects; a second candidate waits and leads after the first resigns; WatchAsync sees both once.</summary>
    [Fact]
    public async Task CampaignAsync_SecondCandidateLeadsAfterResignation_AndWatchSeesBoth()
    {
        const string name = "client.election";
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = new List<ElectionLeader>();
        var first = await Elections.CampaignAsync(name, "first");
        var watching = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watch = Task.Run(async () =>
        {
            await foreach (var leader in Elections.WatchAsync(name, stop.Token))
            {
                seen.Add(leader);
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

    private static async Task WaitFor(CancellationToken token)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(30), token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        Assert.Fail("Lost did not fire within 30 s.");
    }
}
