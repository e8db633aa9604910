namespace Platform.Client.Host.EventLog;

/// <summary>A member of a group as described.</summary>
public sealed record GroupMemberResponse(string MemberId, string? InstanceId, IReadOnlyList<string> Topics, IReadOnlyList<TopicPartitionResponse> Assignment, int SessionTimeoutMs, long Generation);
