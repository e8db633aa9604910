using Xunit.Abstractions;
using Op = Platform.ClusterTests.Linearizability.LinearizabilityOperation<Platform.ClusterTests.Linearizability.RegisterInput, Platform.ClusterTests.Linearizability.RegisterOutput>;

namespace Platform.ClusterTests.Linearizability;

/// <summary>
/// The checker against a brute-force one on small random register histories (at most 7 operations over 2-3 clients):
/// valid ones recorded from a real sequential execution, and the same with one mutation. Both checkers must agree on
/// every history. The seeds are fixed, so a failure reproduces.
/// </summary>
public sealed class LinearizabilityDifferentialTests(ITestOutputHelper output)
{
    private const int MaxOperations = 7;

    [Fact]
    public void Check_AgreesWithBruteForce_OnValidHistoriesFromASequentialExecution()
    {
        var unknowns = 0;
        for (var seed = 0; seed < 1000; seed++)
        {
            var ops = Generate(new Random(seed));
            unknowns += ops.Count(o => o.IsUnknown);
            var brute = BruteForceLinearizable(ops);
            var result = LinearizabilityChecker.Check(RegisterModel.Instance, ops);
            Assert.True(brute, $"seed {seed}: brute force rejects a history made by a real execution:{Environment.NewLine}{Describe(ops)}");
            Assert.True(result.IsLinearizable, $"seed {seed}: {result}{Environment.NewLine}{Describe(ops)}");
        }

        output.WriteLine($"1000 valid histories agree (linearizable); {unknowns} operations with unknown outcome among them");
        Assert.True(unknowns >= 300, $"only {unknowns} unknown operations: the generator should exercise them");
    }

    [Fact]
    public void Check_AgreesWithBruteForce_OnMutatedHistories()
    {
        int linearizable = 0, not = 0;
        var byMutation = new Dictionary<string, (int Linearizable, int Not)>();
        for (var seed = 0; seed < 5000; seed++)
        {
            var random = new Random(1_000_000 + seed);
            var ops = Generate(random);
            var mutation = Mutate(random, ops);
            var brute = BruteForceLinearizable(ops);
            var result = LinearizabilityChecker.Check(RegisterModel.Instance, ops);
            Assert.True(
                result.Verdict == (brute ? LinearizabilityVerdict.Linearizable : LinearizabilityVerdict.NotLinearizable),
                $"seed {seed} ({mutation}): brute force says {(brute ? "linearizable" : "not linearizable")}, the checker {result}{Environment.NewLine}{Describe(ops)}");
            var (l, n) = byMutation.GetValueOrDefault(mutation);
            byMutation[mutation] = brute ? (l + 1, n) : (l, n + 1);
            if (brute)
            {
                linearizable++;
            }
            else
            {
                not++;
            }
        }

        output.WriteLine($"5000 mutated histories agree: {linearizable} linearizable, {not} not");
        foreach (var (mutation, (l, n)) in byMutation.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {mutation}: {l} linearizable, {n} not");
        }

        // Both verdicts must be well represented, or agreement proves little.
        Assert.True(not >= 1000 && linearizable >= 1000, $"{linearizable} linearizable, {not} not");
    }

    [Fact]
    public void BruteForce_KnownVerdicts()
    {
        Op W(int c, long call, long ret, long v, long? version) => new(c, call, ret, RegisterInput.Write(v), RegisterOutput.Written(version));
        Op R(int c, long call, long ret, long? v) => new(c, call, ret, RegisterInput.Read(), RegisterOutput.ReadValue(v));
        Assert.True(BruteForceLinearizable([W(1, 0, 10, 1, 1), R(2, 5, 15, null), R(2, 20, 30, 1)]));
        Assert.False(BruteForceLinearizable([W(1, 0, 10, 1, 1), R(2, 20, 30, null)]));
        Assert.True(BruteForceLinearizable([Op.Unknown(1, 0, RegisterInput.Write(1)), R(2, 20, 30, null)]));
        Assert.False(BruteForceLinearizable([R(2, 0, 10, 1), Op.Unknown(1, 20, RegisterInput.Write(1))]));
    }

    /// <summary>
    /// Tries every order of the operations that respects real time (a before b when a returned before b was
    /// called), each unknown one either placed somewhere after its call or left out, against the model. No memo,
    /// no event list: nothing shared with the checker but <see cref="RegisterModel"/>.
    /// </summary>
    private static bool BruteForceLinearizable(List<Op> ops)
    {
        var placed = new bool[ops.Count];
        return Place(RegisterModel.Instance.Init(), 0);

        bool Place(RegisterState state, int count)
        {
            if (Enumerable.Range(0, ops.Count).All(i => placed[i] || ops[i].IsUnknown))
            {
                return true;
            }

            for (var i = 0; i < ops.Count; i++)
            {
                if (placed[i] || Enumerable.Range(0, ops.Count).Any(j => !placed[j] && j != i && ops[j].Return < ops[i].Call))
                {
                    continue;
                }

                if (RegisterModel.Instance.Step(state, ops[i].Input, ops[i].IsUnknown ? null : ops[i].Output, out var next))
                {
                    placed[i] = true;
                    var found = Place(next, count + 1);
                    placed[i] = false;
                    if (found)
                    {
                        return true;
                    }
                }
            }

            return false;
        }
    }

    /// <summary>
    /// A history recorded from a real execution: each client runs its operations one after another; each takes
    /// effect at an instant inside its [call, return] interval, in that order on one register; outputs are what
    /// that execution returned. Some outcomes are reported unknown: ones that applied and ones that never did.
    /// </summary>
    private static List<Op> Generate(Random random)
    {
        var clients = 2 + random.Next(2);
        var count = 1 + random.Next(MaxOperations);
        var clientClock = new long[clients];
        var planned = new List<(int Client, long Call, long Effect, long Return, RegisterInput Input, bool Unknown, bool Applies)>();
        for (var i = 0; i < count; i++)
        {
            var client = random.Next(clients);
            var call = clientClock[client] + random.Next(0, 4);
            var effect = call + random.Next(0, 5);
            var ret = effect + random.Next(0, 5);
            clientClock[client] = ret + 1;
            var input = random.Next(20) switch
            {
                < 7 => RegisterInput.Read(),
                < 12 => RegisterInput.Write(random.Next(3)),
                < 18 => RegisterInput.Cas(random.Next(4), random.Next(3)),
                _ => RegisterInput.CasValue(random.Next(3), random.Next(3)),
            };
            var unknown = random.Next(6) == 0;
            planned.Add((client, call, effect, ret, input, unknown, !unknown || random.Next(2) == 0));
        }

        var outputs = new RegisterOutput?[count];
        var state = RegisterModel.Instance.Init();
        foreach (var i in Enumerable.Range(0, count).Where(i => planned[i].Applies).OrderBy(i => planned[i].Effect).ThenBy(i => i))
        {
            var p = planned[i];
            RegisterModel.Instance.Step(state, p.Input, null, out var next);
            var applied = next != state || p.Input.Kind == RegisterOperationKind.Write;
            long? Maybe(long version) => random.Next(3) == 0 ? null : version;
            outputs[i] = p.Input.Kind switch
            {
                RegisterOperationKind.Read => RegisterOutput.ReadValue(state.Value, Maybe(state.Version)),
                RegisterOperationKind.CasValue => applied ? RegisterOutput.Written() : RegisterOutput.CasFailed,
                _ when applied => RegisterOutput.Written(Maybe(next.Version)),
                _ => RegisterOutput.PreconditionFailed(Maybe(state.Version)),
            };
            state = next;
        }

        return [.. planned.Select((p, i) => p.Unknown ? Op.Unknown(p.Client, p.Call, p.Input) : new Op(p.Client, p.Call, p.Return, p.Input, outputs[i]))];
    }

    /// <summary>
    /// Changes one thing a client saw, or when: a kind of mutation picked uniformly among those that apply to a
    /// random operation. Returns which, for the summary.
    /// </summary>
    private static string Mutate(Random random, List<Op> ops)
    {
        while (true)
        {
            if (TryMutate(random, ops, random.Next(ops.Count), random.Next(5)) is { } mutation)
            {
                return mutation;
            }
        }
    }

    private static string? TryMutate(Random random, List<Op> ops, int i, int kind)
    {
        var op = ops[i];
        var delta = random.Next(2) == 0 ? -1 : 1;
        switch (kind)
        {
            case 0 when op.Output is { } o && op.Input.Kind == RegisterOperationKind.Read:
                ops[i] = random.Next(2) == 0 && o.Version is { } v
                    ? op with { Output = o with { Version = v + delta } }
                    : op with { Output = o with { Value = o.Value is { } value ? (random.Next(3) == 0 ? null : value + delta) : random.Next(3) } };
                return "read value or version";

            case 1 when op.Output is { } o && op.Input.Kind != RegisterOperationKind.Read:
                if (op.Input.Kind != RegisterOperationKind.Write && random.Next(2) == 0)
                {
                    ops[i] = op with { Output = o.Ok ? RegisterOutput.CasFailed : RegisterOutput.Written() };
                    return "CAS outcome flipped";
                }

                ops[i] = op with { Output = o with { Version = (o.Version ?? random.Next(1, 4)) + delta } };
                return "write or 412 version";

            case 2 when op.IsUnknown:
                var ret = op.Call + random.Next(0, 6);
                ops[i] = op with
                {
                    Return = ret,
                    Output = op.Input.Kind switch
                    {
                        RegisterOperationKind.Read => RegisterOutput.ReadValue(random.Next(3) == 0 ? null : random.Next(3)),
                        _ => random.Next(3) == 0 ? RegisterOutput.CasFailed : RegisterOutput.Written(random.Next(3) == 0 ? null : random.Next(1, 5)),
                    },
                };
                return "unknown outcome made known";

            case 3 when ops.Count > 1:
                var j = (i + 1 + random.Next(ops.Count - 1)) % ops.Count;
                if (ops[i].Input.Kind == ops[j].Input.Kind && !ops[i].IsUnknown && !ops[j].IsUnknown)
                {
                    (ops[i], ops[j]) = (ops[i] with { Output = ops[j].Output }, ops[j] with { Output = ops[i].Output });
                    return "outputs swapped";
                }

                return null;

            case 4:
                var shift = random.Next(-8, 9);
                ops[i] = op.IsUnknown
                    ? op with { Call = Math.Max(0, op.Call + shift) }
                    : op with { Call = Math.Max(0, op.Call + shift), Return = Math.Max(0, op.Call + shift) + (op.Return - op.Call) };
                return "moved in time";

            default:
                return null;
        }
    }

    private static string Describe(IEnumerable<Op> ops) => string.Join(Environment.NewLine, ops.Select(o => "  " + o));
}
