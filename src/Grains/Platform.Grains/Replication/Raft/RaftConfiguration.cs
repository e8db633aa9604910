namespace Platform.Replication.Raft;

/// <summary>
/// The members of a group: voters (they elect leaders and form commit quorums) and learners (they receive the log but
/// count for nothing). Each replica slot has at most one member. Immutable; a change is a new configuration that goes
/// through the log, one voter at a time.
/// </summary>
public sealed class RaftConfiguration : IEquatable<RaftConfiguration>
{
    public RaftConfiguration(IEnumerable<MemberId> voters, IEnumerable<MemberId> learners)
    {
        Voters = [.. voters.OrderBy(m => m.Replica)];
        Learners = [.. learners.OrderBy(m => m.Replica)];
        if (Members.Select(m => m.Replica).Distinct().Count() != Voters.Count + Learners.Count)
        {
            throw new ArgumentException("A configuration names each replica slot at most once.");
        }
    }

    public IReadOnlyList<MemberId> Voters { get; }

    public IReadOnlyList<MemberId> Learners { get; }

    public IEnumerable<MemberId> Members => Voters.Concat(Learners);

    /// <summary>Votes (or acknowledgements) that make a majority of the voters.</summary>
    public int Quorum => (Voters.Count / 2) + 1;

    /// <summary>The configuration every group starts from: the first incarnation of each of its slots, all voters.</summary>
    public static RaftConfiguration Genesis(int replicas) =>
        new(Enumerable.Range(0, replicas).Select(r => new MemberId(r, MemberId.FirstIncarnation)), []);

    public bool IsVoter(MemberId member) => Voters.Contains(member);

    public bool IsMember(MemberId member) => Voters.Contains(member) || Learners.Contains(member);

    /// <summary>The member holding slot <paramref name="replica"/>, voter or learner, if any.</summary>
    public MemberId? MemberOf(int replica)
    {
        foreach (var member in Members)
        {
            if (member.Replica == replica)
            {
                return member;
            }
        }

        return null;
    }

    /// <summary>This configuration with <paramref name="old"/> gone and <paramref name="learner"/> added as a learner.</summary>
    public RaftConfiguration Replace(MemberId? old, MemberId learner) =>
        new(Voters.Where(m => m != old), Learners.Where(m => m != old).Append(learner));

    /// <summary>This configuration with the learner <paramref name="learner"/> made a voter.</summary>
    public RaftConfiguration Promote(MemberId learner) =>
        new(Voters.Append(learner), Learners.Where(m => m != learner));

    public bool Equals(RaftConfiguration? other) =>
        other is not null && Voters.SequenceEqual(other.Voters) && Learners.SequenceEqual(other.Learners);

    public override bool Equals(object? obj) => Equals(obj as RaftConfiguration);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var m in Voters)
        {
            hash.Add(m);
        }

        hash.Add(-1);
        foreach (var m in Learners)
        {
            hash.Add(m);
        }

        return hash.ToHashCode();
    }

    public override string ToString() =>
        $"voters [{string.Join(", ", Voters)}] learners [{string.Join(", ", Learners)}]";
}
