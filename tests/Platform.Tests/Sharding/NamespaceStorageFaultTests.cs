using System.Text;
using Platform.Errors;
using Platform.KeyValue;
using Platform.Sharding;
using Platform.Tests.Locks;

namespace Platform.Tests.Sharding;

/// <summary>
/// Namespace create and delete when a storage write fails or another activation wrote first: settings are served only
/// once persisted, a generation is never handed out twice, and a delete that failed half-way is finished by a retry,
/// by a create of the same name, or by the next activation, leaving no shard rows and no catalog entry behind.
/// Faults are injected into the real storage (memory grain storage, memory shard storage) by decorators.
/// </summary>
public sealed class NamespaceStorageFaultTests(FaultyStorageCluster fixture) : IClassFixture<FaultyStorageCluster>
{
    private StorageFaults Faults => fixture.Faults;

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private INamespaceGrain Namespace(string name) => fixture.Client.GetGrain<INamespaceGrain>(name);

    private INamespaceCatalogGrain Catalog => fixture.Client.GetGrain<INamespaceCatalogGrain>(INamespaceCatalogGrain.Key);

    /// <summary>
    /// A create whose settings write times out serves nothing (no settings routers could pick up with 4 shards);
    /// the retry with another shard count creates generation 1 with it, and that is what storage holds.
    /// </summary>
    [Fact]
    public async Task Create_WhenTheSettingsWriteFails_ServesNothingUntilARetryPersists()
    {
        var name = Unique("create");
        Faults.FailWrites($"namespace/{name}", 1, StorageFaults.Timeout);
        await Assert.ThrowsAsync<PlatformUnavailableException>(() => Namespace(name).Create(new NamespaceSpec { Shards = 4 }));
        Assert.Null(await Namespace(name).Get());

        var created = await Namespace(name).Create(new NamespaceSpec { Shards = 8 });
        Assert.True(created.Created);
        Assert.Equal((8, 1L), (created.Settings.Shards, created.Settings.Generation));
        var stored = await Stored(name);
        Assert.Equal(created.Settings, stored.Current);
        Assert.Equal(1, stored.LastGeneration);
    }

    /// <summary>
    /// Another activation created the namespace (8 shards) after this one loaded: this one's create (16 shards)
    /// loses the ETag race, re-reads and answers the stored settings; it never serves its own 16.
    /// </summary>
    [Fact]
    public async Task Create_AfterAnotherActivationCreatedIt_AnswersTheStoredSettings()
    {
        var name = Unique("duplicate");
        Assert.Null(await Namespace(name).Get());
        var winner = new NamespaceSettings { Name = name, Shards = 8, Generation = 1, CreatedAt = DateTimeOffset.UtcNow };
        await WriteBehindTheGrain(name, s => s with { Current = winner, LastGeneration = 1 });

        var result = await Namespace(name).Create(new NamespaceSpec { Shards = 16 });
        Assert.False(result.Created);
        Assert.Equal(winner, result.Settings);
        Assert.Equal(winner, await Namespace(name).Get());
    }

    /// <summary>
    /// A delete whose drop of one shard fails answers 503 and leaves the namespace gone for routing; its retry finishes
    /// it (not 404): every shard's rows are gone and the catalog no longer lists the name.
    /// </summary>
    [Fact]
    public async Task Delete_WhenAShardDropFails_TheRetryFinishesIt()
    {
        var name = Unique("delete");
        var settings = await CreateWithRows(name, shards: 4);
        Faults.FailWrites($"drop/{settings.Shard(2)}", 1, StorageFaults.Throttled);
        await Assert.ThrowsAsync<PlatformUnavailableException>(() => Namespace(name).Delete());
        Assert.Null(await Namespace(name).Get());

        Assert.True(await Namespace(name).Delete());
        await AssertDeletedEverywhere(settings);
        Assert.False(await Namespace(name).Delete());
    }

    /// <summary>A delete that failed at the catalog is finished by the next activation of the namespace, with no retry.</summary>
    [Fact]
    public async Task Delete_HalfFinished_IsCompletedByTheNextActivation()
    {
        var name = Unique("resume");
        var settings = await CreateWithRows(name, shards: 3);
        Faults.FailWrites("catalog/", 1, StorageFaults.Timeout);
        await Assert.ThrowsAsync<PlatformUnavailableException>(() => Namespace(name).Delete());

        // Both grains start again from storage: what only memory knew is gone.
        await fixture.Cluster.DeactivateAsync(Namespace(name));
        await fixture.Cluster.DeactivateAsync(Catalog);
        Assert.Null(await Namespace(name).Get());
        await Eventually(async () => !(await Catalog.List(null, 1000)).Contains(name), "the catalog entry removed by the new activation");
        await Eventually(async () => (await Stored(name)).Deleting is null, "the deleting phase cleared");
        await AssertDeletedEverywhere(settings);
    }

    /// <summary>A create of the same name after a half-failed delete finishes the delete first: the old generation's rows go, the new one is listed.</summary>
    [Fact]
    public async Task Create_AfterAHalfFailedDelete_FinishesTheDeleteFirst()
    {
        var name = Unique("recreate");
        var old = await CreateWithRows(name, shards: 2);
        Faults.FailWrites($"drop/{old.Shard(1)}", 1, StorageFaults.Timeout);
        await Assert.ThrowsAsync<PlatformUnavailableException>(() => Namespace(name).Delete());

        var created = await Namespace(name).Create(new NamespaceSpec { Shards = 5 });
        Assert.True(created.Created);
        Assert.Equal(2, created.Settings.Generation);
        for (var i = 0; i < old.Shards; i++)
        {
            Assert.Empty(await fixture.Shards.LoadAsync(old.Shard(i)));
        }

        Assert.Contains(name, await Catalog.List(null, 1000));
        Assert.Null((await Stored(name)).Deleting);
    }

    /// <summary>
    /// A create whose catalog write fails: the retry (the settings exist by then) lists the name, and it stays listed
    /// when the catalog grain is re-activated from storage (a name that only memory knew would vanish).
    /// </summary>
    [Fact]
    public async Task Create_WhenTheCatalogWriteFails_TheRetryListsTheNameDurably()
    {
        var name = Unique("listed");
        Faults.FailWrites("catalog/", 1, StorageFaults.Timeout);
        await Assert.ThrowsAsync<PlatformUnavailableException>(() => Namespace(name).Create(new NamespaceSpec { Shards = 1 }));

        Assert.False((await Namespace(name).Create(new NamespaceSpec { Shards = 1 })).Created);
        await fixture.Cluster.DeactivateAsync(Catalog);
        Assert.Contains(name, await Catalog.List(null, 1000));
    }

    private async Task<NamespaceSettings> CreateWithRows(string name, int shards)
    {
        var settings = (await Namespace(name).Create(new NamespaceSpec { Shards = shards })).Settings;
        for (var i = 0; i < shards; i++)
        {
            await fixture.Shards.WriteAsync(settings.Shard(i), new KeyValueEntry { Key = $"k{i}", Value = Encoding.UTF8.GetBytes("v"), Version = 1 }, null);
        }

        Assert.Contains(name, await Catalog.List(null, 1000));
        return settings;
    }

    private async Task AssertDeletedEverywhere(NamespaceSettings settings)
    {
        for (var i = 0; i < settings.Shards; i++)
        {
            Assert.Empty(await fixture.Shards.LoadAsync(settings.Shard(i)));
        }

        Assert.DoesNotContain(settings.Name, await Catalog.List(null, 1000));
        var stored = await Stored(settings.Name);
        Assert.Null(stored.Current);
        Assert.Null(stored.Deleting);
    }

    private async Task<NamespaceState> Stored(string name)
    {
        var grainState = new GrainState<NamespaceState>();
        await fixture.InnerGrainStorage.ReadStateAsync("namespace", Namespace(name).GetGrainId(), grainState);
        return grainState.State ?? new NamespaceState();
    }

    /// <summary>Plays another activation's write: read the stored state with its ETag, change it, write it back.</summary>
    private async Task WriteBehindTheGrain(string name, Func<NamespaceState, NamespaceState> change)
    {
        var grainState = new GrainState<NamespaceState>();
        await fixture.InnerGrainStorage.ReadStateAsync("namespace", Namespace(name).GetGrainId(), grainState);
        grainState.State = change(grainState.State ?? new NamespaceState());
        await fixture.InnerGrainStorage.WriteStateAsync("namespace", Namespace(name).GetGrainId(), grainState);
    }

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(50);
        }
    }
}
