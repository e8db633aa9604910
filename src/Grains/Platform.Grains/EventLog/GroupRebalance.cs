namespace Platform.EventLog;

/// <summary>
/// Cooperative rebalancing of a group's state, without storage or grains. A new generation gives every member a
/// target (the assignor's answer); a member keeps the partitions it holds that stay its own, gets at once the ones
/// nobody holds, and gets a partition that moves only after its old holder rejoined in the new generation (which
/// releases it) or left. So no partition is ever held by two members.
/// </summary>
public static class GroupRebalance
{
    /// <summary>Starts a new generation: new targets for every member, then what can be handed over now.</summary>
    public static void NewGeneration(GroupState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.Generation++;
        if (state.Members.Count == 0)
        {
            state.Assignor = null;
            return;
        }

        var targets = GroupAssignors.Assign(
            state.Assignor ?? GroupAssignor.Range,
            [.. state.Members.Select(m => (m.MemberId, (IReadOnlyList<string>)m.Topics, (IReadOnlyList<TopicPartition>)m.Target))],
            state.PartitionCounts);
        foreach (var member in state.Members)
        {
            member.Target = targets[member.MemberId];
        }

        HandOver(state);
    }

    /// <summary>The member joined in the current generation: it lets go of what it is no longer due.</summary>
    public static void Acknowledge(GroupState state, GroupMemberState member)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(member);
        member.AckedGeneration = state.Generation;
        HandOver(state);
    }

    /// <summary>Members that acknowledged the generation release what they are not due; free partitions go to the member due them.</summary>
    public static void HandOver(GroupState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        foreach (var member in state.Members.Where(m => m.AckedGeneration == state.Generation))
        {
            member.Owned = [.. member.Owned.Where(member.Target.Contains)];
        }

        var held = state.Members.SelectMany(m => m.Owned).ToHashSet();
        foreach (var member in state.Members)
        {
            foreach (var partition in member.Target.Where(p => !held.Contains(p)))
            {
                member.Owned.Add(partition);
                held.Add(partition);
            }

            member.Owned.Sort();
        }
    }

    /// <summary>True when every member joined in the current generation and holds exactly what it is due.</summary>
    public static bool Settled(GroupState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Members.All(m => m.AckedGeneration == state.Generation && m.Owned.Order().SequenceEqual(m.Target.Order()));
    }
}
