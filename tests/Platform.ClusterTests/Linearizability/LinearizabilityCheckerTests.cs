using Op = Platform.ClusterTests.Linearizability.LinearizabilityOperation<Platform.ClusterTests.Linearizability.RegisterInput, Platform.ClusterTests.Linearizability.RegisterOutput>;

namespace Platform.ClusterTests.Linearizability;

/// <summary>The checker against hand-made register histories whose verdict is known, and against generated ones.</summary>
public sealed class LinearizabilityCheckerTests
{
    private static LinearizabilityResult Check(params Op[] ops) => LinearizabilityChecker.Check(RegisterModel.Instance, ops);

    private static Op Write(int client, long call, long ret, long value, long? version = null) =>
        new(client, call, ret, RegisterInput.Write(value), RegisterOutput.Written(version));

    private static Op Read(int client, long call, long ret, long? value, long? version = null) =>
        new(client, call, ret, RegisterInput.Read(), RegisterOutput.ReadValue(value, version));

    private static Op Cas(int client, long call, long ret, long expected, long value, bool ok) =>
        new(client, call, ret, RegisterInput.Cas(expected, value), ok ? RegisterOutput.Written(expected + 1) : RegisterOutput.CasFailed);

    private static Op UnknownWrite(int client, long call, long value) => Op.Unknown(client, call, RegisterInput.Write(value));

    [Fact]
    public void Check_EmptyHistory_IsLinearizable() => Assert.True(Check().IsLinearizable);

    [Fact]
    public void Check_SequentialWritesAndReads_IsLinearizable()
    {
        var result = Check(Write(1, 0, 10, 1, 1), Read(2, 20, 30, 1, 1), Write(1, 40, 50, 2, 2), Read(2, 60, 70, 2, 2));
        Assert.True(result.IsLinearizable, result.ToString());
    }

    [Fact]
    public void Check_StaleReadAfterNewerWriteReturned_IsNotLinearizable()
    {
        // Write 1, then write 2 completes, then a read that starts afterwards still sees 1.
        var result = Check(Write(1, 0, 10, 1), Write(1, 20, 30, 2), Read(2, 40, 50, 1));
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, result.Verdict);
        Assert.Contains("read", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_AcknowledgedWriteLostToALaterRead_IsNotLinearizable()
    {
        // The write was acknowledged, yet a later read finds the key absent.
        var result = Check(Write(1, 0, 10, 7), Read(2, 20, 30, null));
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, result.Verdict);
    }

    [Fact]
    public void Check_TwoCasFromTheSameVersionBothAcknowledged_IsNotLinearizable()
    {
        // What a duplicate activation without an ETag check would produce: both increments from v1 "succeed".
        var result = Check(Write(0, 0, 1, 0, 1), Cas(1, 10, 20, 1, 1, ok: true), Cas(2, 15, 25, 1, 1, ok: true));
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, result.Verdict);
    }

    [Fact]
    public void Check_ConcurrentCasFromTheSameVersion_OneWinsOneFails_IsLinearizable()
    {
        var result = Check(Write(0, 0, 1, 0, 1), Cas(1, 10, 20, 1, 1, ok: false), Cas(2, 12, 18, 1, 1, ok: true), Read(3, 30, 40, 1, 2));
        Assert.True(result.IsLinearizable, result.ToString());
    }

    [Fact]
    public void Check_OverlappingWritesAndReads_AnyConsistentOrder_IsLinearizable()
    {
        // Two overlapping writes; overlapping reads see either; later reads agree that 2 came last.
        var result = Check(
            Write(1, 0, 100, 1),
            Write(2, 10, 90, 2),
            Read(3, 20, 30, null),
            Read(4, 40, 60, 2),
            Read(3, 50, 70, 1),
            Read(4, 110, 120, 2));
        Assert.True(result.IsLinearizable, result.ToString());
    }

    [Fact]
    public void Check_ReadsGoingBackwardsDuringOverlappingWrite_IsNotLinearizable()
    {
        // One write of 1 is in flight: a read may see 1 or nothing, but once a read returned 1 a later read cannot see nothing.
        var result = Check(Write(1, 0, 100, 1), Read(2, 10, 20, 1), Read(3, 30, 40, null));
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, result.Verdict);
    }

    [Fact]
    public void Check_UnknownWrite_MayTakeEffectLaterOrNever()
    {
        // Outcome unknown (e.g. a 503 after the grain wrote): reads may see it at any later point, or never.
        Assert.True(Check(Write(1, 0, 10, 1), UnknownWrite(2, 20, 2), Read(3, 30, 40, 1), Read(3, 50, 60, 2)).IsLinearizable);
        Assert.True(Check(Write(1, 0, 10, 1), UnknownWrite(2, 20, 2), Read(3, 30, 40, 1), Read(3, 5000, 5010, 1)).IsLinearizable);
    }

    [Fact]
    public void Check_UnknownWrite_CannotTakeEffectBeforeItsInvocation()
    {
        var result = Check(Write(1, 0, 10, 1), Read(3, 20, 30, 2), UnknownWrite(2, 40, 2));
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, result.Verdict);
    }

    [Fact]
    public void Check_UnknownWrite_SeenThenUnseen_IsNotLinearizable()
    {
        var result = Check(Write(1, 0, 10, 1), UnknownWrite(2, 20, 2), Read(3, 30, 40, 2), Read(3, 50, 60, 1));
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, result.Verdict);
    }

    [Fact]
    public void Check_VersionMismatchOnRead_IsNotLinearizable()
    {
        // Same value but a version that skips one: a write happened that nobody performed.
        var result = Check(Write(1, 0, 10, 5, 1), Read(2, 20, 30, 5, 2));
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, result.Verdict);
    }

    [Fact]
    public void Check_GeneratedHistoryOfConcurrentIncrements_IsLinearizable_AndACorruptedReadIsCaught()
    {
        var ops = GenerateIncrements(seed: 42, clients: 5, operations: 400);
        var ok = LinearizabilityChecker.Check(new RegisterModel(new RegisterState(0, 1)), ops);
        Assert.True(ok.IsLinearizable, ok.ToString());

        // Corrupt one successful read in the middle so it reports a value from the future.
        var index = ops.FindIndex(200, o => o.Input.Kind == RegisterOperationKind.Read && o.Output!.Value > 2);
        var bad = ops.ToList();
        bad[index] = bad[index] with { Output = RegisterOutput.ReadValue(bad[index].Output!.Value + 50, bad[index].Output!.Version + 50) };
        var caught = LinearizabilityChecker.Check(new RegisterModel(new RegisterState(0, 1)), bad);
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, caught.Verdict);
    }

    [Fact]
    public void Check_StepBudgetExhausted_SaysUnknown()
    {
        var ops = GenerateIncrements(seed: 7, clients: 6, operations: 300);
        var result = LinearizabilityChecker.Check(new RegisterModel(new RegisterState(0, 1)), ops, stepBudget: 10);
        Assert.Equal(LinearizabilityVerdict.Unknown, result.Verdict);
    }

    [Fact]
    public void Check_ReturnBeforeCall_IsRejected() =>
        Assert.Throws<ArgumentException>(() => Check(Write(1, 10, 5, 1)));

    /// <summary>
    /// A linearizable-by-construction history: clients read-then-CAS on an atomic register, each operation taking
    /// effect at a random instant inside its [call, return] interval; a few CAS outcomes are reported unknown.
    /// </summary>
    private static List<Op> GenerateIncrements(int seed, int clients, int operations)
    {
        var random = new Random(seed);
        var clock = 0L;
        var pending = new List<(long Effect, RegisterInput Input, bool Unknown)>();
        var lastRead = new Dictionary<int, RegisterState>();
        var result = new List<Op>();
        var busyUntil = new long[clients];
        while (result.Count < operations)
        {
            clock += random.Next(1, 4);
            var client = random.Next(clients);
            if (busyUntil[client] > clock)
            {
                continue;
            }

            var call = clock;
            var effect = call + random.Next(0, 20);
            var ret = effect + random.Next(0, 20);
            busyUntil[client] = ret + 1;

            RegisterInput input = lastRead.TryGetValue(client, out var seen)
                ? RegisterInput.Cas(seen.Version, seen.Value!.Value + 1)
                : RegisterInput.Read();
            if (input.Kind == RegisterOperationKind.Cas)
            {
                lastRead.Remove(client);
            }

            pending.Add((effect, input, input.Kind == RegisterOperationKind.Cas && random.Next(10) == 0));
            result.Add(new Op(client, call, ret, input, null));

            // Re-evaluate all outputs by effect order (the pending list is the complete set so far).
            var state = new RegisterState(0, 1);
            var outputs = new Dictionary<int, RegisterOutput>();
            var byEffect = pending.Select((p, i) => (p, i)).OrderBy(x => x.p.Effect).ThenBy(x => x.i);
            foreach (var (p, i) in byEffect)
            {
                RegisterModel.Instance.Step(state, p.Input, null, out var next);
                outputs[i] = p.Input.Kind == RegisterOperationKind.Read
                    ? RegisterOutput.ReadValue(state.Value, state.Version)
                    : next.Version != state.Version ? RegisterOutput.Written(next.Version) : RegisterOutput.CasFailed;
                state = next;
            }

            for (var i = 0; i < result.Count; i++)
            {
                result[i] = pending[i].Unknown ? Op.Unknown(result[i].ClientId, result[i].Call, result[i].Input) : result[i] with { Output = outputs[i] };
            }

            if (input.Kind == RegisterOperationKind.Read)
            {
                var o = outputs[pending.Count - 1];
                lastRead[client] = new RegisterState(o.Value, o.Version!.Value);
            }
        }

        return result;
    }
}
