using Platform.Replication.MultiLeader;

namespace Platform.Tests.Replication.Crdt;

/// <summary>The bounded store of hints and pending updates: capacity, expiry, and confirmation only of what was sent.</summary>
public sealed class OutgoingKeysTests
{
    [Fact]
    public void A_full_store_refuses_new_keys_and_counts_them_dropped()
    {
        var keys = new OutgoingKeys(2);
        Assert.True(keys.Add("a", long.MaxValue));
        Assert.True(keys.Add("b", long.MaxValue));
        Assert.True(keys.Add("a", long.MaxValue));
        Assert.False(keys.Add("c", long.MaxValue));
        Assert.Equal(2, keys.Count);
        Assert.Equal(1, keys.Dropped);
    }

    [Fact]
    public void Expired_keys_are_dropped_when_taken()
    {
        var keys = new OutgoingKeys(10);
        keys.Add("old", 100);
        keys.Add("new", 1000);
        Assert.Equal(["new"], keys.Take(10, nowMs: 500).Select(k => k.Key));
        Assert.Equal(1, keys.Expired);
    }

    [Fact]
    public void A_key_re_added_after_it_was_taken_stays_until_its_new_state_is_confirmed()
    {
        var keys = new OutgoingKeys(10);
        keys.Add("k", long.MaxValue);
        var sent = keys.Take(10, 0);
        keys.Add("k", long.MaxValue);
        Assert.Equal(0, keys.Confirm(sent));
        Assert.Equal(1, keys.Count);
        Assert.Equal(1, keys.Confirm(keys.Take(10, 0)));
        Assert.Equal(0, keys.Count);
    }
}
