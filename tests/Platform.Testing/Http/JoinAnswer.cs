namespace Platform.Testing.Http;

/// <summary>The answer of a group join.</summary>
public sealed record JoinAnswer(string MemberId, long Generation, IReadOnlyList<AssignedPartition> Assignment, bool Rebalancing);
