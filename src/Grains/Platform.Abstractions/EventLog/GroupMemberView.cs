namespace Platform.EventLog;

/// <summary>One member as a group describes it.</summary>
[GenerateSerializer, Immutable, Alias("Platform.EventLog.GroupMemberView")]
public sealed record GroupMemberView
{
    [Id(0)] public required string MemberId { get; init; }

    [Id(1)] public string? InstanceId { get; init; }

    [Id(2)] public required IReadOnlyList<string> Topics { get; init; }

    [Id(3)] public required IReadOnlyList<TopicPartition> Assignment { get; init; }

    [Id(4)] public required int SessionTimeoutMs { get; init; }

    /// <summary>The generation this member last joined or heartbeated in.</summary>
    [Id(5)] public required long Generation { get; init; }
}
