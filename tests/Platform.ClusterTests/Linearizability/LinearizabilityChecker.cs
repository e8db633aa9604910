using System.Globalization;
using System.Text;

namespace Platform.ClusterTests.Linearizability;

/// <summary>
/// Decides whether a concurrent history is linearizable with respect to a sequential model: the Wing–Gong search
/// with Lowe's memoisation, as Porcupine implements it. Operations sit in a list of call and return events sorted by
/// time; the search repeatedly tries to linearize a pending call (apply it to the model, lift it and its return out
/// of the list) and backtracks when it reaches a return whose call it could not place. A (linearized set, state)
/// pair seen before is never explored twice, which keeps typical histories of hundreds of operations fast.
/// Operations with an unknown outcome return at +∞: they can be linearized anywhere after their call, or never
/// (after everything else, where nothing observes them).
/// </summary>
public static class LinearizabilityChecker
{
    /// <summary>Default bound on search steps before the verdict is <see cref="LinearizabilityVerdict.Unknown"/>.</summary>
    public const long DefaultStepBudget = 20_000_000;

    public static LinearizabilityResult Check<TState, TInput, TOutput>(
        ILinearizabilityModel<TState, TInput, TOutput> model,
        IReadOnlyList<LinearizabilityOperation<TInput, TOutput>> operations,
        long stepBudget = DefaultStepBudget)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(operations);
        var n = operations.Count;
        if (n == 0)
        {
            return new LinearizabilityResult(LinearizabilityVerdict.Linearizable, 0, 0, "");
        }

        // Nodes 0..2n-1: call of op i is 2i, its return 2i+1. Node 2n is the list head.
        var head = 2 * n;
        var next = new int[2 * n + 1];
        var prev = new int[2 * n + 1];
        var order = Enumerable.Range(0, 2 * n).ToArray();
        Array.Sort(order, (a, b) =>
        {
            var ta = Time(operations, a);
            var tb = Time(operations, b);
            if (ta != tb)
            {
                return ta.CompareTo(tb);
            }

            // Equal times: calls first, so the two operations count as concurrent (never a false alarm).
            var ka = a % 2;
            var kb = b % 2;
            return ka != kb ? ka.CompareTo(kb) : a.CompareTo(b);
        });
        for (var i = 0; i < operations.Count; i++)
        {
            if (operations[i].Return < operations[i].Call)
            {
                throw new ArgumentException($"Operation {i} returns before it is called: {operations[i]}", nameof(operations));
            }
        }

        prev[head] = -1;
        var last = head;
        foreach (var node in order)
        {
            next[last] = node;
            prev[node] = last;
            last = node;
        }

        next[last] = -1;

        var linearized = new Bitset(n);
        var cache = new HashSet<CacheKey<TState>>();
        var stack = new Stack<(int Node, TState State)>();
        var state = model.Init();
        long steps = 0;
        var deepest = -1;
        var deepestExplanation = "";
        var entry = next[head];

        while (next[head] != -1)
        {
            if (++steps > stepBudget)
            {
                return new LinearizabilityResult(LinearizabilityVerdict.Unknown, n, steps, $"step budget {stepBudget} exhausted at depth {stack.Count}");
            }

            if (entry % 2 == 0)
            {
                var op = entry / 2;
                if (model.Step(state, operations[op].Input, operations[op].IsUnknown ? default : operations[op].Output, out var newState))
                {
                    var candidate = linearized.With(op);
                    if (cache.Add(new CacheKey<TState>(candidate, newState)))
                    {
                        stack.Push((entry, state));
                        state = newState;
                        linearized = candidate;
                        Lift(next, prev, entry);
                        entry = next[head];
                        continue;
                    }
                }

                entry = next[entry];
            }
            else
            {
                if (stack.Count > deepest)
                {
                    deepest = stack.Count;
                    deepestExplanation = Explain(operations, stack, state, entry / 2);
                }

                if (stack.Count == 0)
                {
                    return new LinearizabilityResult(LinearizabilityVerdict.NotLinearizable, n, steps, deepestExplanation);
                }

                var (node, previous) = stack.Pop();
                state = previous;
                linearized = linearized.Without(node / 2);
                Unlift(next, prev, node);
                entry = next[node];
            }
        }

        return new LinearizabilityResult(LinearizabilityVerdict.Linearizable, n, steps, "");
    }

    private static long Time<TInput, TOutput>(IReadOnlyList<LinearizabilityOperation<TInput, TOutput>> ops, int node) =>
        node % 2 == 0 ? ops[node / 2].Call : ops[node / 2].Return;

    private static void Lift(int[] next, int[] prev, int call)
    {
        Remove(next, prev, call);
        Remove(next, prev, call + 1);
    }

    private static void Unlift(int[] next, int[] prev, int call)
    {
        Restore(next, prev, call + 1);
        Restore(next, prev, call);
    }

    private static void Remove(int[] next, int[] prev, int node)
    {
        next[prev[node]] = next[node];
        if (next[node] != -1)
        {
            prev[next[node]] = prev[node];
        }
    }

    private static void Restore(int[] next, int[] prev, int node)
    {
        next[prev[node]] = node;
        if (next[node] != -1)
        {
            prev[next[node]] = node;
        }
    }

    private static string Explain<TState, TInput, TOutput>(
        IReadOnlyList<LinearizabilityOperation<TInput, TOutput>> ops, Stack<(int Node, TState State)> stack, TState state, int stuck)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"linearized {stack.Count} of {ops.Count} operations; ");
        var tail = stack.Take(5).Reverse().Select(s => ops[s.Node / 2].ToString()).ToList();
        if (tail.Count > 0)
        {
            sb.Append("last linearized: ").Append(string.Join(" | ", tail)).Append("; ");
        }

        sb.Append(CultureInfo.InvariantCulture, $"model state then: {state}; no pending operation fits before this one returns: {ops[stuck]}");
        return sb.ToString();
    }

    private readonly record struct CacheKey<TState>(Bitset Linearized, TState State);

    /// <summary>An immutable bit set with value equality (the memo key).</summary>
    private sealed class Bitset : IEquatable<Bitset>
    {
        private readonly ulong[] _words;
        private readonly int _hash;

        public Bitset(int bits)
            : this(new ulong[(bits + 63) / 64])
        {
        }

        private Bitset(ulong[] words)
        {
            _words = words;
            var hash = new HashCode();
            foreach (var w in words)
            {
                hash.Add(w);
            }

            _hash = hash.ToHashCode();
        }

        public Bitset With(int bit)
        {
            var words = (ulong[])_words.Clone();
            words[bit / 64] |= 1UL << (bit % 64);
            return new Bitset(words);
        }

        public Bitset Without(int bit)
        {
            var words = (ulong[])_words.Clone();
            words[bit / 64] &= ~(1UL << (bit % 64));
            return new Bitset(words);
        }

        public bool Equals(Bitset? other) => other is not null && _hash == other._hash && _words.AsSpan().SequenceEqual(other._words);

        public override bool Equals(object? obj) => Equals(obj as Bitset);

        public override int GetHashCode() => _hash;
    }
}
