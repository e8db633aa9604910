using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Platform.ClusterTests.Linearizability;

/// <summary>
/// The checker against a published, labelled suite: the Jepsen etcd register histories Porcupine ships
/// (Jepsen/README.md says where they come from and how they are labelled). Every labelled history must get
/// Porcupine's verdict within <see cref="Budget"/>.
/// </summary>
public sealed partial class JepsenEtcdTests(ITestOutputHelper output)
{
    /// <summary>Per history. Porcupine's checker decides each in milliseconds; this is for a slow shared machine.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The histories Porcupine's tests expect to be linearizable: porcupine_test.go at 55508eb,
    /// <c>TestEtcdJepsen000</c> … <c>TestEtcdJepsen102</c>, each <c>checkJepsen(t, n, true)</c>. Every other number
    /// there is <c>checkJepsen(t, n, false)</c>, except 95, which has no test ("etcd cluster failed to start up in
    /// test 95"; its log is empty).
    /// </summary>
    private static readonly HashSet<int> PublishedLinearizable =
        [2, 5, 7, 18, 25, 31, 38, 45, 48, 49, 51, 53, 56, 67, 75, 76, 80, 87, 92, 98, 100, 101, 102];

    private const int Unlabelled = 95;

    private const int Histories = 103;

    private static string Folder => Path.Combine(AppContext.BaseDirectory, "Linearizability", "Jepsen");

    private static string FileName(int n) => $"etcd_{n.ToString("D3", CultureInfo.InvariantCulture)}.log";

    /// <summary>(file, Porcupine's verdict) for the 102 labelled histories.</summary>
    public static TheoryData<string, bool> Labelled
    {
        get
        {
            var data = new TheoryData<string, bool>();
            foreach (var n in Enumerable.Range(0, Histories).Where(n => n != Unlabelled))
            {
                data.Add(FileName(n), PublishedLinearizable.Contains(n));
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Labelled))]
    public void Check_PublishedEtcdHistory_ReturnsPorcupinesVerdict_WithinBudget(string file, bool linearizable)
    {
        var history = JepsenEtcdLog.Parse(Path.Combine(Folder, file));
        Assert.NotEmpty(history.Operations);

        var clock = Stopwatch.StartNew();
        var result = LinearizabilityChecker.Check(RegisterModel.Instance, history.Operations, stepBudget: long.MaxValue, timeLimit: Budget);
        clock.Stop();

        output.WriteLine(FormattableString.Invariant(
            $"{file}: {history.Operations.Count} operations ({history.Completed} known, {history.Indeterminate} unknown, {history.Dropped} timed-out reads left out); expected {(linearizable ? "linearizable" : "not linearizable")}; {result.Verdict} in {clock.Elapsed.TotalMilliseconds:F1} ms, {result.Steps} steps"));
        Assert.Equal(linearizable ? LinearizabilityVerdict.Linearizable : LinearizabilityVerdict.NotLinearizable, result.Verdict);
        Assert.True(clock.Elapsed < Budget, $"{file} took {clock.Elapsed} (budget {Budget})");
    }

    [Fact]
    public void Suite_HasEveryPublishedHistory_AndALabelForAllButTheEmptyOne()
    {
        var files = Directory.GetFiles(Folder, "etcd_*.log").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(Enumerable.Range(0, Histories).Select(FileName), files);
        Assert.Equal(Histories - 1, Labelled.Count);
        Assert.Equal(23, PublishedLinearizable.Count);
        Assert.True(File.Exists(Path.Combine(Folder, "LICENSE.md")), "Porcupine's MIT licence travels with its data");
        Assert.True(File.Exists(Path.Combine(Folder, "README.md")));
    }

    [Fact]
    public void Etcd095_Unlabelled_IsEmpty_AndTriviallyLinearizable()
    {
        // Porcupine has no test for it: its etcd cluster never started, so Jepsen recorded nothing.
        var history = JepsenEtcdLog.Parse(Path.Combine(Folder, FileName(Unlabelled)));
        Assert.Empty(history.Operations);
        Assert.True(LinearizabilityChecker.Check(RegisterModel.Instance, history.Operations).IsLinearizable);
    }

    [Fact]
    public void Parse_EveryPublishedHistory_AccountsForEveryEvent()
    {
        foreach (var n in Enumerable.Range(0, Histories))
        {
            var path = Path.Combine(Folder, FileName(n));
            var lines = File.ReadAllLines(path);
            var history = JepsenEtcdLog.Parse(path);
            var invokes = lines.Count(l => InvokePattern().IsMatch(l));
            var infos = lines.Count(l => InfoPattern().IsMatch(l));
            Assert.Equal(invokes, history.Operations.Count + history.Dropped);
            Assert.Equal(invokes, history.Completed + history.Indeterminate + history.Dropped);
            Assert.True(history.Indeterminate >= infos, $"{FileName(n)}: {history.Indeterminate} unknown < {infos} :info lines");
            Assert.All(history.Operations, o => Assert.Equal(o.IsUnknown, o.Output is null));
        }
    }

    [Fact]
    public void Parse_MapsEachEventKind()
    {
        var history = JepsenEtcdLog.Parse(
        [
            "INFO  jepsen.util - 0\t:invoke\t:read\tnil",
            "INFO  jepsen.util - 1\t:invoke\t:write\t4",
            "INFO  jepsen.util - 0\t:ok\t:read\tnil",
            "INFO  jepsen.util - 1\t:ok\t:write\t4",
            "INFO  jepsen.util - 2   :invoke :cas    [4 1]",
            "INFO  jepsen.util - 2   :ok     :cas    [4 1]",
            "INFO  jepsen.util - 3\t:invoke\t:cas\t[4 2]",
            "INFO  jepsen.util - 3\t:fail\t:cas\t[4 2]",
            "INFO  jepsen.util - 4\t:invoke\t:read\tnil",
            "INFO  jepsen.util - 4\t:fail\t:read\t:timed-out",
            "INFO  jepsen.util - 0\t:invoke\t:write\t3",
            "INFO  jepsen.util - 0\t:info\t:write\t:timed-out",
            "INFO  jepsen.util - 1\t:invoke\t:read\tnil",
            "INFO  jepsen.util - 1\t:ok\t:read\t1",
            "INFO  jepsen.util - 2\t:invoke\t:cas\t[1 0]",
        ]);

        Assert.Equal((5, 2, 1), (history.Completed, history.Indeterminate, history.Dropped));
        Assert.Equal(
            [
                new(0, 1, 3, RegisterInput.Read(), RegisterOutput.ReadValue(null)),
                new(1, 2, 4, RegisterInput.Write(4), RegisterOutput.Written()),
                new(2, 5, 6, RegisterInput.CasValue(4, 1), RegisterOutput.Written()),
                new(3, 7, 8, RegisterInput.CasValue(4, 2), RegisterOutput.CasFailed),
                LinearizabilityOperation<RegisterInput, RegisterOutput>.Unknown(0, 11, RegisterInput.Write(3)),
                new(1, 13, 14, RegisterInput.Read(), RegisterOutput.ReadValue(1)),
                LinearizabilityOperation<RegisterInput, RegisterOutput>.Unknown(2, 15, RegisterInput.CasValue(1, 0)),
            ],
            history.Operations);
        Assert.True(LinearizabilityChecker.Check(RegisterModel.Instance, history.Operations).IsLinearizable);
    }

    [Fact]
    public void Parse_ProcessIdReusedAfterInfo_StartsANewOperation_AndTheCrashedOneStaysUnknown()
    {
        // Jepsen moves a crashed worker to a new process id; if one came back, the crashed op must stay open-ended.
        var history = JepsenEtcdLog.Parse(
        [
            "INFO  jepsen.util - 0\t:invoke\t:write\t1",
            "INFO  jepsen.util - 0\t:info\t:write\t:timed-out",
            "INFO  jepsen.util - 0\t:invoke\t:read\tnil",
            "INFO  jepsen.util - 0\t:ok\t:read\tnil",
            "INFO  jepsen.util - 1\t:invoke\t:read\tnil",
            "INFO  jepsen.util - 1\t:ok\t:read\t1",
        ]);

        Assert.Equal(3, history.Operations.Count);
        Assert.True(history.Operations[0].IsUnknown);
        Assert.Equal(new(0, 3, 4, RegisterInput.Read(), RegisterOutput.ReadValue(null)), history.Operations[1]);

        // The crashed write took effect between the two reads: linearizable. Seen before it was invoked: not.
        Assert.True(LinearizabilityChecker.Check(RegisterModel.Instance, history.Operations).IsLinearizable);
        var early = history.Operations.ToList();
        early[2] = early[2] with { Call = 0, Return = 0 };
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, LinearizabilityChecker.Check(RegisterModel.Instance, early).Verdict);
    }

    [Theory]
    [InlineData("INFO  jepsen.util - 0\t:invoke\t:append\t1")]
    [InlineData("WARN  jepsen.util - 0\t:invoke\t:read\tnil")]
    [InlineData("INFO  jepsen.util - 0\t:invoke\t:cas\t[1]")]
    [InlineData("INFO  jepsen.util - 0\t:ok\t:read\t1")]
    [InlineData("INFO  jepsen.util - 0\t:invoke\t:write\t1\nINFO  jepsen.util - 0\t:ok\t:write\t2")]
    [InlineData("INFO  jepsen.util - 0\t:invoke\t:write\t1\nINFO  jepsen.util - 0\t:ok\t:read\t1")]
    [InlineData("INFO  jepsen.util - 0\t:invoke\t:write\t1\nINFO  jepsen.util - 0\t:invoke\t:write\t2")]
    public void Parse_MalformedOrUnpairedEvent_Throws(string log) =>
        Assert.Throws<FormatException>(() => JepsenEtcdLog.Parse(log.Split('\n')));

    [GeneratedRegex(@":invoke\s")]
    private static partial Regex InvokePattern();

    [GeneratedRegex(@":info\s")]
    private static partial Regex InfoPattern();
}
