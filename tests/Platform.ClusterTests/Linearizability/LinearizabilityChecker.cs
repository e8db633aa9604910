using System.Diagnostics;
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

    /// <param name="model">The sequential specification.</param>
    /// <param name="operations">The history, in any order.</param>
    /// <param name="stepBudget">Search steps before giving up with <see cref="LinearizabilityVerdict.Unknown"/>.</param>
    /// <param name="timeLimit">Wall-clock time before giving up with <see cref="LinearizabilityVerdict.Unknown"/>
    /// (Porcupine's timeout); none by default.</param>
    public static LinearizabilityResult Check<TState, TInput, TOutput>(
        ILinearizabilityModel<TState, TInput, TOutput> model,
        IReadOnlyList<LinearizabilityOperation<TInput, TOutput>> operations,
        long stepBudget = DefaultStepBudget,
        TimeSpan? timeLimit = null)
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

        var started = Stopwatch.GetTimestamp();
        // The linearized set is one mutable bit array with a Zobrist hash kept up to date per bit; the memo stores a
        // copy only when a (set, state) pair is new, so a step allocates nothing unless it goes deeper.
        var linearized = new ulong[(n + 63) / 64];
        ulong linearizedHash = 0;
        var cache = new HashSet<CacheKey<TState>>(CacheKeyComparer<TState>.Instance);
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

            if (timeLimit is { } limit && steps % 4096 == 0 && Stopwatch.GetElapsedTime(started) > limit)
            {
                return new LinearizabilityResult(LinearizabilityVerdict.Unknown, n, steps, $"time limit {limit} exceeded at depth {stack.Count}");
            }

            if (entry % 2 == 0)
            {
                var op = entry / 2;
                if (model.Step(state, operations[op].Input, operations[op].IsUnknown ? default : operations[op].Output, out var newState))
                {
                    Flip(linearized, op);
                    var hash = linearizedHash ^ Zobrist(op);
                    var probe = new CacheKey<TState>(linearized, hash, newState);
                    if (!cache.Contains(probe))
                    {
                        cache.Add(probe with { Linearized = (ulong[])linearized.Clone() });
                        stack.Push((entry, state));
                        state = newState;
                        linearizedHash = hash;
                        Lift(next, prev, entry);
                        entry = next[head];
                        continue;
                    }

                    Flip(linearized, op);
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
                Flip(linearized, node / 2);
                linearizedHash ^= Zobrist(node / 2);
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

    private static void Flip(ulong[] words, int bit) => words[bit / 64] ^= 1UL << (bit % 64);

    /// <summary>A fixed pseudo-random 64-bit key per operation (SplitMix64); a set's hash is the XOR of its members' keys.</summary>
    private static ulong Zobrist(int op)
    {
        var z = unchecked(((ulong)op + 1) * 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    /// <summary>A memo entry: the linearized set (its words and hash) and the model state reached.</summary>
    private readonly record struct CacheKey<TState>(ulong[] Linearized, ulong LinearizedHash, TState State);

    private sealed class CacheKeyComparer<TState> : IEqualityComparer<CacheKey<TState>>
    {
        public static CacheKeyComparer<TState> Instance { get; } = new();

        public bool Equals(CacheKey<TState> x, CacheKey<TState> y) =>
            x.LinearizedHash == y.LinearizedHash
            && EqualityComparer<TState>.Default.Equals(x.State, y.State)
            && x.Linearized.AsSpan().SequenceEqual(y.Linearized);

        public int GetHashCode(CacheKey<TState> key) =>
            HashCode.Combine(key.LinearizedHash, key.State is null ? 0 : EqualityComparer<TState>.Default.GetHashCode(key.State));
    }
}
