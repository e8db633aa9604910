using System.Collections.Concurrent;
using System.Diagnostics;
using Platform.Replication.Raft;
using Xunit.Abstractions;

namespace Platform.Tests.Replication;

/// <summary>
/// The Raft core under a seeded randomized simulation (<see cref="RaftSimulation"/>): message loss, duplication and
/// reordering, partitions, crashes with and without durable state, orphaned incarnations, leadership transfers and
/// snapshots. Each seed checks election safety, log matching, leader completeness, state machine safety and
/// linearizable ReadIndex; the mutation tests show the same simulation catches deliberate bugs.
/// </summary>
public sealed class RaftSimulationTests(ITestOutputHelper output)
{
    private const int Steps = 700;
    private const int Calm = 300;
    private const int Quiet = 400;

    public static TheoryData<int, int> Groups() => new() { { 1, 200 }, { 3, 1500 }, { 5, 800 }, { 2, 200 }, { 4, 200 } };

    /// <summary>
    /// Thousands of seeds per group size: no safety violation, the healed group elects a leader that commits, and once
    /// nothing new is proposed every member catches up on heartbeats alone.
    /// </summary>
    [Theory]
    [MemberData(nameof(Groups))]
    public void Safety_holds_under_faults(int replicas, int seeds)
    {
        var watch = Stopwatch.StartNew();
        var runs = RunSeeds(replicas, seeds, RaftFaults.None);
        var violations = runs.Where(r => r.Violation is not null).Select(r => r.Violation!).ToList();
        var stuck = runs.Where(r => r.Violation is null && !r.Live()).Select(r => r.Seed).ToList();
        var behind = runs.Where(r => r.Violation is null && r.Live() && !r.CaughtUp()).ToList();
        output.WriteLine($"{replicas} replicas, {seeds} seeds in {watch.ElapsedMilliseconds} ms: {runs.Sum(r => r.CommittedCount)} entries committed, " +
            $"{runs.Sum(r => r.Elections)} elections, {runs.Sum(r => r.StatelessCrashes)} state losses, {runs.Sum(r => r.Restarts)} restarts, " +
            $"{runs.Sum(r => r.SnapshotsInstalled)} snapshots installed, {runs.Sum(r => r.ReadsConfirmed)} reads confirmed; not live after healing: {stuck.Count} (e.g. {string.Join(", ", stuck.Take(4))})");
        var first = runs.FirstOrDefault(r => r.Violation is not null);
        Assert.True(first is null, $"{violations.Count} of {seeds} seeds violated safety; first: {first?.Violation}\n{first?.Describe()}");
        Assert.True(stuck.Count <= seeds / 100, $"{stuck.Count} healed groups had no working leader, e.g. seeds {string.Join(", ", stuck.Take(5))}");
        Assert.True(behind.Count == 0, $"{behind.Count} healed groups left a member behind with nothing new proposed, e.g. seed {behind.FirstOrDefault()?.Seed}\n{behind.FirstOrDefault()?.Describe()}");
    }

    /// <summary>Each deliberate bug is caught by some seed: the simulation can fail.</summary>
    [Theory]
    [InlineData(nameof(RaftFaults.VoteWithoutLogCheck), 3)]
    [InlineData(nameof(RaftFaults.LearnerVotes), 3)]
    public void Mutations_are_caught(string mutation, int replicas)
    {
        var fault = Enum.Parse<RaftFaults>(mutation);
        var runs = RunSeeds(replicas, 600, fault);
        var caught = runs.Where(r => r.Violation is not null).ToList();
        output.WriteLine($"{fault}: {caught.Count} of {runs.Count} seeds caught it; first: {caught.FirstOrDefault()?.Violation}");
        Assert.NotEmpty(caught);
    }

    private static List<RaftSimulation> RunSeeds(int replicas, int seeds, RaftFaults faults)
    {
        var runs = new ConcurrentBag<RaftSimulation>();
        // Half the cores: the other test classes of the run keep one, so their timeouts do not feel this burst.
        Parallel.For(0, seeds, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount / 2) }, seed => runs.Add(new RaftSimulation(seed * 7919 + replicas, replicas, faults).Run(Steps, Calm, Quiet)));
        return [.. runs.OrderBy(r => r.Seed)];
    }
}
