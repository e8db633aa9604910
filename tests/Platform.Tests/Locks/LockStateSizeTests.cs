using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Platform.Locks;
using Platform.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Platform.Tests.Locks;

/// <summary>
/// The holder bound of <c>Platform:Locks</c> is real: a lock at <see cref="LockOptions.MaxHolders"/> holders, each
/// with an owner of <see cref="LockOptions.MaxOwnerLength"/> characters of the widest kind (3 UTF-8 bytes), is one
/// grain-state row that Azure Table storage (Azurite) stores, the lock grain loads, refuses one more holder on, and
/// rewrites after a release and a new grant.
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class LockStateSizeTests(RealServersFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task FullLock_WithLongestOwners_FitsOneAzureTableRowAndStaysWritable()
    {
        var limits = new LockOptions();
        Assert.Empty(limits.Validate());
        await using var cluster = await fixture.StartAzureTableClusterAsync(fixture.RunId + "-holders");
        var services = cluster.Primary.Services;
        var storage = services.GetRequiredKeyedService<IGrainStorage>(LockGrain.StorageName);
        var name = $"full.{Guid.NewGuid():N}";
        var widest = new string('\u20AC', limits.MaxOwnerLength);
        var now = DateTimeOffset.UtcNow;
        const long firstToken = 9_000_000_000_000_000_000;
        var full = new LockState
        {
            LastToken = firstToken + limits.MaxHolders - 1,
            Holders = [.. Enumerable.Range(0, limits.MaxHolders).Select(i => new LeaseHolder
            {
                Owner = widest[..^6] + i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture),
                Token = firstToken + i,
                Mode = LeaseMode.Shared,
                Count = 1_000_000,
                GrantedAt = now,
                ExpiresAt = now.AddMinutes(5),
            })],
        };

        var serialized = services.GetRequiredService<IGrainStorageSerializer>().Serialize(full).ToMemory().Length;
        output.WriteLine($"{limits.MaxHolders} holders, {serialized} bytes serialized ({serialized / limits.MaxHolders} per holder; bound {LockOptions.HolderBytes(limits.MaxOwnerLength)})");
        Assert.True(serialized <= LockOptions.MaxStateBytes + 1024, $"{serialized} bytes serialized, over the documented bound {LockOptions.MaxStateBytes}");

        await storage.WriteStateAsync("lease", GrainId.Create("lease", LeaseKeys.For(LeaseKind.Lock, name)), new GrainState<LockState>(full));
        var grain = cluster.Client.Grain(LeaseKind.Lock, name);
        Assert.Equal(limits.MaxHolders, (await grain.Get()).Holders.Count);

        var refused = await grain.Acquire(new LeaseRequest { Owner = widest, Mode = LeaseMode.Shared });
        Assert.Equal(LeaseStatus.Busy, refused.Status);

        var first = full.Holders[0];
        Assert.Equal(LeaseStatus.Ok, (await grain.Release(first.Owner, first.Token)).Status);
        var granted = await grain.Acquire(new LeaseRequest { Owner = widest, Mode = LeaseMode.Shared });
        Assert.Equal(LeaseStatus.Ok, granted.Status);
        Assert.Equal(full.LastToken + 1, granted.Lease!.Token);

        // The fence check re-reads the state from storage: the rewritten full state is there.
        Assert.True((await grain.CheckFence(granted.Lease.Token)).Accepted);
        Assert.Equal(limits.MaxHolders, (await grain.Get()).Holders.Count);
    }

    /// <summary>A configuration whose full lock would not fit one row is refused at start-up, naming MaxHolders.</summary>
    [Theory]
    [InlineData(10_000, 256)]
    [InlineData(100, 4096)]
    public void Validate_HoldersThatWouldNotFitOneRow_NamesMaxHolders(int maxHolders, int maxOwnerLength)
    {
        var errors = new LockOptions { MaxHolders = maxHolders, MaxOwnerLength = maxOwnerLength }.Validate().ToList();
        Assert.Contains(errors, e => e.StartsWith("Platform:Locks:MaxHolders", StringComparison.Ordinal) && e.Contains("MaxOwnerLength", StringComparison.Ordinal));
    }
}
