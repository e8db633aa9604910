using System.Text;
using Azure.Data.Tables;
using Platform.Replication;
using Platform.Replication.Storage;
using Platform.Sharding;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Replication;

/// <summary>
/// <see cref="AzureTableVersionedReplicaStorage"/> against Azurite: quorum and multi-leader replica states read back
/// after a reopen (inline and over several rows), a second activation of the same replica never overwrites the first's
/// write (it is handed the stored state to merge), deletes and drops remove the rows.
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class AzureTableVersionedReplicaStorageTests(RealServersFixture fixture)
{
    private readonly AzureTableVersionedReplicaStorage _storage = new(new TableServiceClient(fixture.AzureTables), fixture.RunId + "Versioned");

    private static ReplicaId NewReplica() => new(new ShardId("vs-" + Guid.NewGuid().ToString("N")[..8], 1, 0), 2);

    private static Func<byte[]?, byte[]?> Write(byte[] state) => _ => state;

    /// <summary>States saved by one activation are what the next one loads: a small one inline, a 1.6 MB one over three rows, a key of 512 bytes.</summary>
    [Fact]
    public async Task Saved_states_are_loaded_by_the_next_activation()
    {
        var replica = NewReplica();
        var store = await _storage.OpenAsync(replica, CancellationToken.None);
        Assert.Empty(store.Loaded);
        var large = new byte[1_600_000];
        new Random(3).NextBytes(large);
        var longKey = new string('k', 500) + "/é?#";
        await store.SaveAsync("a", Write([1, 2, 3]), CancellationToken.None);
        await store.SaveAsync("big", Write(large), CancellationToken.None);
        await store.SaveAsync(longKey, Write([9]), CancellationToken.None);
        await store.SaveAsync("a", Write([4, 5]), CancellationToken.None);

        // A large state replaced by a small one leaves no parts behind to be loaded.
        await store.SaveAsync("big", Write(large[..10]), CancellationToken.None);
        await store.SaveAsync("big", Write(large), CancellationToken.None);

        var loaded = (await _storage.OpenAsync(replica, CancellationToken.None)).Loaded.ToDictionary(e => e.Key, e => e.State);
        Assert.Equal(["a", "big", longKey], loaded.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([4, 5], loaded["a"]);
        Assert.Equal(large, loaded["big"]);
        Assert.Equal([9], loaded[longKey]);
    }

    /// <summary>
    /// Two activations of one replica (Orleans' directory can briefly run two): the one writing on a stale ETag is
    /// handed what the other stored and writes the merge, so neither's state is lost.
    /// </summary>
    [Fact]
    public async Task A_second_activation_merges_what_the_first_stored_instead_of_overwriting_it()
    {
        var replica = NewReplica();
        var first = await _storage.OpenAsync(replica, CancellationToken.None);
        await first.SaveAsync("k", Write("first"u8.ToArray()), CancellationToken.None);
        var second = await _storage.OpenAsync(replica, CancellationToken.None);
        await first.SaveAsync("k", Write("first-2"u8.ToArray()), CancellationToken.None);

        // The second saw the row before first-2 was written: its write is refused, it is given first-2 and merges.
        var handed = new List<string?>();
        await second.SaveAsync("k", theirs =>
        {
            handed.Add(theirs is null ? null : Encoding.UTF8.GetString(theirs));
            return theirs is null ? "second"u8.ToArray() : Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(theirs) + "+second");
        }, CancellationToken.None);

        Assert.Equal([null, "first-2"], handed);
        var loaded = (await _storage.OpenAsync(replica, CancellationToken.None)).Loaded.Single();
        Assert.Equal("first-2+second", Encoding.UTF8.GetString(loaded.State));

        // And a create racing another activation's create merges too.
        var third = await _storage.OpenAsync(replica, CancellationToken.None);
        await first.SaveAsync("new", Write("one"u8.ToArray()), CancellationToken.None);
        await third.SaveAsync("new", theirs => theirs is null ? "two"u8.ToArray() : [.. theirs, .. "+two"u8.ToArray()], CancellationToken.None);
        Assert.Equal("one+two", Encoding.UTF8.GetString((await _storage.OpenAsync(replica, CancellationToken.None)).Loaded.Single(e => e.Key == "new").State));
    }

    /// <summary>A deleted key (an expired tombstone) and a dropped replica load nothing; a key the caller reports gone is deleted.</summary>
    [Fact]
    public async Task Deletes_and_drops_remove_the_rows()
    {
        var replica = NewReplica();
        var store = await _storage.OpenAsync(replica, CancellationToken.None);
        await store.SaveAsync("gone", Write([1]), CancellationToken.None);
        await store.SaveAsync("stays", Write([2]), CancellationToken.None);
        await store.SaveAsync("big", Write(new byte[900_000]), CancellationToken.None);
        await store.DeleteAsync("gone");
        await store.SaveAsync("big", _ => null, CancellationToken.None);
        Assert.Equal(["stays"], (await _storage.OpenAsync(replica, CancellationToken.None)).Loaded.Select(e => e.Key));

        await _storage.DropAsync(replica);
        Assert.Empty((await _storage.OpenAsync(replica, CancellationToken.None)).Loaded);
    }
}
