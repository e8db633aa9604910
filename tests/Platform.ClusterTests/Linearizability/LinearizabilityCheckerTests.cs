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

    private static Op Cas412(int client, long call, long ret, long expected, long value, long? currentVersion) =>
        new(client, call, ret, RegisterInput.Cas(expected, value), RegisterOutput.PreconditionFailed(currentVersion));

    private static Op UnknownWrite(int client, long call, long value) => Op.Unknown(client, call, RegisterInput.Write(value));

    private static Op UnknownCas(int client, long call, long expected, long value) => Op.Unknown(client, call, RegisterInput.Cas(expected, value));

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
    public void Check_412WithNoConcurrentWriter_IsNotLinearizable()
    {
        // The register is at v1 and nobody else writes: If-Match "1" had to succeed. Whether or not the 412 says so.
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, Check(Write(1, 0, 10, 5, 1), Cas412(2, 20, 30, 1, 6, currentVersion: null)).Verdict);
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, Check(Write(1, 0, 10, 5, 1), Cas412(2, 20, 30, 1, 6, currentVersion: 1)).Verdict);

        // The same 412 with a writer overlapping it is fine: that write came first.
        var result = Check(Write(1, 0, 10, 5, 1), Write(3, 15, 40, 7, 2), Cas412(2, 20, 30, 1, 6, currentVersion: 2));
        Assert.True(result.IsLinearizable, result.ToString());
    }

    [Fact]
    public void Check_412CurrentVersion_IsCheckedAgainstTheModel()
    {
        // v1 acknowledged; a write to v2 overlaps a CAS expecting v5, whose 412 reports the version it saw.
        Assert.True(Check(Write(1, 0, 10, 1, 1), Write(2, 20, 100, 2, 2), Cas412(3, 30, 40, 5, 9, currentVersion: 2)).IsLinearizable);
        Assert.True(Check(Write(1, 0, 10, 1, 1), Write(2, 20, 100, 2, 2), Cas412(3, 30, 40, 5, 9, currentVersion: 1)).IsLinearizable);

        // No write ever made v3.
        Assert.Equal(
            LinearizabilityVerdict.NotLinearizable,
            Check(Write(1, 0, 10, 1, 1), Write(2, 20, 100, 2, 2), Cas412(3, 30, 40, 5, 9, currentVersion: 3)).Verdict);

        // The 412 saw v2 by time 40, so a read from 50 cannot go back to v1. Ignoring currentVersion would pass this.
        Assert.Equal(
            LinearizabilityVerdict.NotLinearizable,
            Check(Write(1, 0, 10, 1, 1), Write(2, 20, 100, 2, 2), Cas412(3, 30, 40, 5, 9, currentVersion: 2), Read(4, 50, 60, 1, 1)).Verdict);
    }

    [Fact]
    public void RegisterOutput_PreconditionFailedFromProblem_ReadsCurrentVersion()
    {
        Assert.Equal(RegisterOutput.PreconditionFailed(2), RegisterOutput.PreconditionFailedFromProblem("""{"status":412,"title":"Precondition failed","currentVersion":2}"""));
        Assert.Equal(RegisterOutput.CasFailed, RegisterOutput.PreconditionFailedFromProblem("""{"status":412}"""));
        Assert.Equal(RegisterOutput.CasFailed, RegisterOutput.PreconditionFailedFromProblem("not json"));
        Assert.Equal(RegisterOutput.CasFailed, RegisterOutput.PreconditionFailedFromProblem(null));
    }

    [Fact]
    public void Check_UnknownCasThatWouldHaveToApplyTwice_IsNotLinearizable()
    {
        // The unknown CAS v1 -> 7 may apply once; the second read of 7 (after 6 was acknowledged) needs it again.
        var twice = Check(Write(1, 0, 10, 5), UnknownCas(2, 20, 1, 7), Read(3, 30, 40, 7), Write(1, 50, 60, 6), Read(3, 70, 80, 7));
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, twice.Verdict);

        // Once is fine, at either read.
        Assert.True(Check(Write(1, 0, 10, 5), UnknownCas(2, 20, 1, 7), Read(3, 30, 40, 7), Write(1, 50, 60, 6), Read(3, 70, 80, 6)).IsLinearizable);
        Assert.True(Check(Write(1, 0, 10, 5), UnknownCas(2, 20, 1, 7), Read(3, 30, 40, 5), Read(3, 70, 80, 7)).IsLinearizable);

        // On values too (etcd's CAS): 5 is written again, but the CAS 5 -> 7 is one operation and applies at most once.
        Op CasValue(int c, long call, long expected, long value) => Op.Unknown(c, call, RegisterInput.CasValue(expected, value));
        var again = Check(Write(1, 0, 10, 5), CasValue(2, 20, 5, 7), Read(3, 30, 40, 7), Write(1, 50, 60, 5), Read(3, 70, 80, 7));
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, again.Verdict);
    }

    [Fact]
    public void Check_UnknownWriteWithAWrongVersion_IsNotLinearizable()
    {
        // An unknown write after v1 can only make v2: a read of its value at v3 counts a write nobody made.
        Assert.True(Check(Write(1, 0, 10, 1, 1), UnknownWrite(2, 20, 2), Read(3, 30, 40, 2, 2)).IsLinearizable);
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, Check(Write(1, 0, 10, 1, 1), UnknownWrite(2, 20, 2), Read(3, 30, 40, 2, 3)).Verdict);

        // An unknown CAS expecting v1, invoked when the register was already at v2, cannot have applied.
        Assert.Equal(
            LinearizabilityVerdict.NotLinearizable,
            Check(Write(1, 0, 10, 1, 1), Write(1, 11, 20, 3, 2), UnknownCas(2, 30, 1, 2), Read(3, 40, 50, 2)).Verdict);

        // Invoked while the register was still at v1 (concurrent with the second write), it may have.
        Assert.True(Check(Write(1, 0, 10, 1, 1), Write(1, 11, 20, 3, 2), UnknownCas(2, 15, 1, 2), Read(3, 40, 50, 3, 2)).IsLinearizable);
        Assert.True(Check(Write(1, 0, 10, 1, 1), UnknownCas(2, 15, 1, 2), Write(1, 11, 20, 3, 3), Read(3, 40, 50, 3, 3)).IsLinearizable);
    }

    [Fact]
    public void Check_GeneratedHistoryWithUnknownOpsThatNeverApplied_IsLinearizable_AndClaimingOneAppliedIsCaught()
    {
        foreach (var seed in new[] { 3, 11, 42 })
        {
            // One CAS in six times out before reaching storage (never applies), one in ten after applying; both unknown.
            var (ops, notApplied) = GenerateIncrementsWithUnknowns(seed, clients: 5, operations: 300, unknownNotApplied: 6);
            Assert.True(notApplied.Count >= 10, $"seed {seed}: only {notApplied.Count} unapplied unknown CAS");
            var ok = LinearizabilityChecker.Check(new RegisterModel(new RegisterState(0, 1)), ops);
            Assert.True(ok.IsLinearizable, $"seed {seed}: {ok}");

            // Report one that never applied as acknowledged: another client's CAS from the same version succeeded, so
            // two increments from one version would both have applied.
            var index = notApplied.First(i => ops.Any(o => !o.IsUnknown && o.Output!.Ok && o.Input.Kind == RegisterOperationKind.Cas
                && o.Input.ExpectedVersion == ops[i].Input.ExpectedVersion));
            var bad = ops.ToList();
            bad[index] = bad[index] with { Return = bad[index].Call + 1, Output = RegisterOutput.Written(ops[index].Input.ExpectedVersion + 1) };
            var caught = LinearizabilityChecker.Check(new RegisterModel(new RegisterState(0, 1)), bad);
            Assert.Equal(LinearizabilityVerdict.NotLinearizable, caught.Verdict);
        }
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
    private static List<Op> GenerateIncrements(int seed, int clients, int operations) =>
        GenerateIncrementsWithUnknowns(seed, clients, operations, unknownNotApplied: 0).Ops;

    /// <summary>
    /// As <see cref="GenerateIncrements"/>; when <paramref name="unknownNotApplied"/> is positive, one CAS in that many
    /// is also reported unknown but never applies (it timed out before reaching storage). Returns their indexes.
    /// </summary>
    private static (List<Op> Ops, List<int> NotApplied) GenerateIncrementsWithUnknowns(
        int seed, int clients, int operations, int unknownNotApplied)
    {
        var random = new Random(seed);
        var clock = 0L;
        var pending = new List<(long Effect, RegisterInput Input, bool Unknown, bool Applies)>();
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

            var isCas = input.Kind == RegisterOperationKind.Cas;
            var applies = !(isCas && unknownNotApplied > 0 && random.Next(unknownNotApplied) == 0);
            pending.Add((effect, input, !applies || (isCas && random.Next(10) == 0), applies));
            result.Add(new Op(client, call, ret, input, null));

            // Re-evaluate all outputs by effect order (the pending list is the complete set so far).
            var state = new RegisterState(0, 1);
            var outputs = new Dictionary<int, RegisterOutput>();
            var byEffect = pending.Select((p, i) => (p, i)).OrderBy(x => x.p.Effect).ThenBy(x => x.i);
            foreach (var (p, i) in byEffect.Where(x => x.p.Applies))
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

        return (result, [.. pending.Select((p, i) => (p, i)).Where(x => !x.p.Applies).Select(x => x.i)]);
    }
}
