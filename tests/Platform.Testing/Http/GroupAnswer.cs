namespace Platform.Testing.Http;

/// <summary>A consumer group as <c>GET /v1/groups/{group}</c> answers it.</summary>
public sealed record GroupAnswer(string Group, long Generation, string? Assignor, bool Rebalancing, IReadOnlyList<GroupMemberAnswer> Members, IReadOnlyList<GroupPartitionAnswer> Partitions, string? Silo);
