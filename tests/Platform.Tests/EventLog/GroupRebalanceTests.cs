using Platform.EventLog;

namespace Platform.Tests.EventLog;

/// <summary>The assignors and cooperative rebalancing as pure functions: complete, balanced, never a partition held twice.</summary>
public sealed class GroupRebalanceTests
{
    private static readonly Dictionary<string, int> Counts = new() { ["a"] = 5, ["b"] = 3 };

    [Theory]
    [InlineData(GroupAssignor.Range)]
    [InlineData(GroupAssignor.RoundRobin)]
    [InlineData(GroupAssignor.Sticky)]
    public void EveryAssignor_GivesEachPartitionToExactlyOneSubscribedMember_Balanced(GroupAssignor assignor)
    {
        var members = new List<(string, IReadOnlyList<string>, IReadOnlyList<TopicPartition>)>
        {
            ("m1", ["a", "b"], []), ("m2", ["a", "b"], []), ("m3", ["a", "b"], []),
        };
        var result = GroupAssignors.Assign(assignor, members, Counts);
        var all = result.Values.SelectMany(v => v).ToList();
        Assert.Equal(8, all.Count);
        Assert.Equal(8, all.Distinct().Count());
        Assert.True(result.Values.Max(v => v.Count) - result.Values.Min(v => v.Count) <= (assignor == GroupAssignor.Range ? 2 : 1), string.Join(" ", result.Select(r => $"{r.Key}:{r.Value.Count}")));
    }

    [Fact]
    public void Range_GivesContiguousRangesPerTopic_InMemberOrder()
    {
        var result = GroupAssignors.Assign(GroupAssignor.Range, [("x", ["a"], []), ("y", ["a"], [])], Counts);
        Assert.Equal([0, 1, 2], result["x"].Select(p => p.Partition));
        Assert.Equal([3, 4], result["y"].Select(p => p.Partition));
    }

    [Fact]
    public void Sticky_KeepsEveryPartitionThatNeedNotMove_WhenAMemberJoins()
    {
        var before = GroupAssignors.Assign(GroupAssignor.Sticky, [("m1", ["a", "b"], []), ("m2", ["a", "b"], [])], Counts);
        var after = GroupAssignors.Assign(GroupAssignor.Sticky, [("m1", ["a", "b"], before["m1"]), ("m2", ["a", "b"], before["m2"]), ("m3", ["a", "b"], [])], Counts);
        Assert.Subset(before["m1"].ToHashSet(), after["m1"].ToHashSet());
        Assert.Subset(before["m2"].ToHashSet(), after["m2"].ToHashSet());
        Assert.True(after["m3"].Count >= 2);
        Assert.Equal(8, after.Values.SelectMany(v => v).Distinct().Count());
    }

    /// <summary>
    /// Random joins, leaves and acknowledgements (fixed seeds): no partition is ever held by two members, and once
    /// every member acknowledged the generation the group is settled with every partition held exactly once.
    /// </summary>
    [Theory]
    [InlineData(1, GroupAssignor.Range)]
    [InlineData(2, GroupAssignor.RoundRobin)]
    [InlineData(3, GroupAssignor.Sticky)]
    public void RandomMembershipChanges_NeverLetTwoMembersHoldOnePartition(int seed, GroupAssignor assignor)
    {
        var random = new Random(seed);
        var state = new GroupState { Assignor = assignor, PartitionCounts = new(Counts) };
        var next = 0;
        for (var step = 0; step < 400; step++)
        {
            var roll = random.Next(10);
            if (roll < 3 && state.Members.Count < 6)
            {
                state.Members.Add(new GroupMemberState { MemberId = $"m{next++}", Topics = random.Next(3) == 0 ? ["a"] : ["a", "b"] });
                GroupRebalance.NewGeneration(state);
            }
            else if (roll < 4 && state.Members.Count > 0)
            {
                state.Members.RemoveAt(random.Next(state.Members.Count));
                GroupRebalance.NewGeneration(state);
            }
            else if (state.Members.Count > 0)
            {
                GroupRebalance.Acknowledge(state, state.Members[random.Next(state.Members.Count)]);
            }

            var held = state.Members.SelectMany(m => m.Owned).ToList();
            Assert.True(held.Count == held.Distinct().Count(), $"step {step}: a partition held twice: {string.Join(" ", state.Members.Select(m => $"{m.MemberId}[{string.Join(",", m.Owned)}]"))}");
        }

        foreach (var member in state.Members.ToList())
        {
            GroupRebalance.Acknowledge(state, member);
        }

        Assert.True(GroupRebalance.Settled(state));
        var subscribed = state.Members.SelectMany(m => m.Topics).Distinct().Sum(t => Counts[t]);
        Assert.Equal(subscribed, state.Members.SelectMany(m => m.Assignment()).Distinct().Count());
    }
}
