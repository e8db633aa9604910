using System.Collections.Immutable;
using Platform.Replication.Crdt;

namespace Platform.Tests.Replication.Crdt;

/// <summary>
/// Property tests over seeded random histories: every data type's merge is commutative, associative and idempotent
/// (compared by canonical bytes, which is what replicas hash), and the types keep what they promise: a counter sums
/// every replica's increments, an OR-set lets a concurrent add win over a remove, siblings keep concurrent writes.
/// </summary>
public sealed class CrdtMergePropertyTests
{
    private const int Seeds = 300;

    public static TheoryData<KeyStateKind> Kinds() => new() { KeyStateKind.Lww, KeyStateKind.Siblings, KeyStateKind.Counter, KeyStateKind.Set };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Merge_is_commutative_associative_and_idempotent(KeyStateKind kind)
    {
        for (var seed = 0; seed < Seeds; seed++)
        {
            var random = new Random(seed);
            // Three replicas of one history (an actor's events are its own: two histories never share a dot).
            var states = RandomStates(kind, random);
            var (a, b, c) = (states[random.Next(3)], states[random.Next(3)], states[random.Next(3)]);
            Same(KeyState.Merge(a, b), KeyState.Merge(b, a), $"commutative, seed {seed}");
            Same(KeyState.Merge(KeyState.Merge(a, b), c), KeyState.Merge(a, KeyState.Merge(b, c)), $"associative, seed {seed}");
            Same(KeyState.Merge(a, a), a, $"idempotent, seed {seed}");
            Same(KeyState.Merge(KeyState.Merge(a, b), b), KeyState.Merge(a, b), $"idempotent after merge, seed {seed}");
        }
    }

    [Fact]
    public void Codec_round_trips_every_kind_byte_for_byte()
    {
        foreach (var kind in Kinds())
        {
            for (var seed = 0; seed < 50; seed++)
            {
                var state = RandomStates(kind, new Random(seed))[0];
                var bytes = KeyStateCodec.Encode(state);
                Assert.Equal(state, KeyStateCodec.Decode(bytes));
                Assert.Equal(bytes, KeyStateCodec.Encode(KeyStateCodec.Decode(bytes)));
            }
        }
    }

    [Fact]
    public void Codec_refuses_truncated_and_trailing_bytes()
    {
        var bytes = KeyStateCodec.Encode(RandomStates(KeyStateKind.Set, new Random(1))[0]);
        Assert.Throws<FormatException>(() => KeyStateCodec.Decode(bytes.AsSpan(0, bytes.Length - 1)));
        Assert.Throws<FormatException>(() => KeyStateCodec.Decode([.. bytes, 0]));
        Assert.Throws<FormatException>(() => KeyStateCodec.DecodeContext([9, 9, 9]));
    }

    [Fact]
    public void Counter_merged_in_any_order_sums_every_replicas_increments()
    {
        for (var seed = 0; seed < Seeds; seed++)
        {
            var random = new Random(seed);
            var replicas = Enumerable.Range(0, 3).Select(_ => PnCounter.Empty).ToArray();
            long expected = 0;
            for (var i = 0; i < 40; i++)
            {
                var r = random.Next(3);
                var delta = random.Next(-5, 10);
                replicas[r] = replicas[r].Add(r, delta);
                expected += delta;
                if (random.Next(4) == 0)
                {
                    // Gossip one replica's state to another, as async replication or anti-entropy would.
                    var to = random.Next(3);
                    replicas[to] = PnCounter.Merge(replicas[to], replicas[random.Next(3)]);
                }
            }

            var merged = replicas.OrderBy(_ => random.Next()).Aggregate(PnCounter.Empty, PnCounter.Merge);
            Assert.Equal(expected, merged.Value);
        }
    }

    [Fact]
    public void Or_set_concurrent_add_wins_over_remove()
    {
        var start = DottedStore<string>.Empty.Write(1, VersionVector.Empty, "x", hasValue: true);
        var left = start;
        var right = start;

        // Replica 1 removes x (it has seen the first add); replica 2 concurrently adds x again.
        left = left.Remove(e => e == "x");
        right = right.Write(2, VersionVector.Empty, "x", hasValue: true);
        Assert.Contains("x", left.Merge(right).Entries.Values);
        Assert.Contains("x", right.Merge(left).Entries.Values);

        // A remove that has seen both adds wins.
        var both = left.Merge(right).Remove(e => e == "x");
        Assert.DoesNotContain("x", both.Merge(right).Entries.Values);
    }

    [Fact]
    public void Siblings_keep_concurrent_writes_and_a_write_with_the_context_replaces_them()
    {
        var v1 = new VersionedValue(new HlcTimestamp(10, 0, 1), [1], null);
        var v2 = new VersionedValue(new HlcTimestamp(5, 0, 2), [2], null);
        var a = DottedStore<VersionedValue>.Empty.Write(1, VersionVector.Empty, v1, hasValue: true);
        var b = DottedStore<VersionedValue>.Empty.Write(2, VersionVector.Empty, v2, hasValue: true);
        var merged = a.Merge(b);
        Assert.Equal(2, merged.Entries.Count);

        var v3 = new VersionedValue(new HlcTimestamp(11, 0, 1), [3], null);
        var resolved = merged.Write(1, merged.Context, v3, hasValue: true);
        Assert.Equal([v3], resolved.Entries.Values);
        Assert.Equal([v3], resolved.Merge(a).Merge(b).Entries.Values);
    }

    [Fact]
    public void Lww_keeps_the_higher_stamp_and_tombstones_expire_only_after_the_grace_period()
    {
        var old = new VersionedValue(new HlcTimestamp(100, 0, 1), [1], "text/plain");
        var deleted = new VersionedValue(new HlcTimestamp(200, 0, 2), null, null);
        Assert.Same(deleted, VersionedValue.Merge(old, deleted));
        Assert.Same(deleted, VersionedValue.Merge(deleted, old));
        Assert.False(deleted.Expired(200 + 999, TimeSpan.FromSeconds(1)));
        Assert.True(deleted.Expired(200 + 1000, TimeSpan.FromSeconds(1)));
        Assert.False(old.Expired(long.MaxValue / 2, TimeSpan.Zero));
    }

    private static void Same(KeyState expected, KeyState actual, string what) =>
        Assert.True(KeyStateCodec.Encode(expected).AsSpan().SequenceEqual(KeyStateCodec.Encode(actual)), what);

    /// <summary>The states of three replicas after a random history of writes with random gossip between them.</summary>
    private static KeyState[] RandomStates(KeyStateKind kind, Random random)
    {
        var replicas = Enumerable.Range(0, 3).Select(_ => Initial(kind)).ToArray();
        for (var i = 0; i < random.Next(1, 12); i++)
        {
            var r = random.Next(3);
            replicas[r] = Step(kind, replicas[r], r + 1, random);
            if (random.Next(3) == 0)
            {
                var to = random.Next(3);
                replicas[to] = KeyState.Merge(replicas[to], replicas[random.Next(3)]);
            }
        }

        return replicas;
    }

    private static KeyState Initial(KeyStateKind kind) => kind switch
    {
        KeyStateKind.Lww => KeyState.Of(new VersionedValue(HlcTimestamp.Zero, null, null)),
        KeyStateKind.Siblings => KeyState.Of(DottedStore<VersionedValue>.Empty),
        KeyStateKind.Counter => KeyState.Of(PnCounter.Empty),
        _ => KeyState.Of(DottedStore<string>.Empty),
    };

    private static KeyState Step(KeyStateKind kind, KeyState state, long actor, Random random)
    {
        var stamp = new HlcTimestamp(random.Next(1, 50), random.Next(3), (int)actor);
        byte[]? value = random.Next(5) == 0 ? null : [(byte)random.Next(256)];
        return kind switch
        {
            KeyStateKind.Lww => KeyState.Of(VersionedValue.Merge(state.Lww!, new VersionedValue(stamp, value, random.Next(2) == 0 ? null : "a/b"))),
            KeyStateKind.Siblings => KeyState.Of(state.Siblings!.Write(actor, random.Next(2) == 0 ? state.Siblings.Context : VersionVector.Empty,
                new VersionedValue(stamp, value, null), hasValue: true)),
            KeyStateKind.Counter => KeyState.Of(state.Counter!.Add(actor, random.Next(-3, 7))),
            _ => random.Next(3) == 0
                ? KeyState.Of(state.Set!.Remove(e => e == Element(random)))
                : KeyState.Of(state.Set!.Write(actor, VersionVector.Empty, Element(random), hasValue: true)),
        };
    }

    private static string Element(Random random) => ImmutableArray.Create("a", "b", "c")[random.Next(3)];
}
