namespace Platform.Testing.Http;

/// <summary>One member of a described group.</summary>
public sealed record GroupMemberAnswer(string MemberId, string? InstanceId, IReadOnlyList<string> Topics, IReadOnlyList<AssignedPartition> Assignment, int SessionTimeoutMs, long Generation);
