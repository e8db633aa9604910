namespace Platform.EventLog;

/// <summary>One member of a consumer group as its grain persists it.</summary>
[GenerateSerializer, Alias("Platform.EventLog.GroupMemberState")]
public sealed class GroupMemberState
{
    [Id(0)] public required string MemberId { get; set; }

    [Id(1)] public string? InstanceId { get; set; }

    [Id(2)] public List<string> Topics { get; set; } = [];

    [Id(3)] public int SessionTimeoutMs { get; set; }

    /// <summary>The partitions this member holds now (it may still hold ones it is no longer due, until it rejoins).</summary>
    [Id(4)] public List<TopicPartition> Owned { get; set; } = [];

    /// <summary>The partitions the assignor gave it in the current generation.</summary>
    [Id(5)] public List<TopicPartition> Target { get; set; } = [];

    /// <summary>The generation it last joined in: until it is the group's, it keeps the partitions it held.</summary>
    [Id(6)] public long AckedGeneration { get; set; }

    /// <summary>The assignment it was last answered; a heartbeat says rejoin when it changed since.</summary>
    [Id(7)] public List<TopicPartition> Answered { get; set; } = [];

    /// <summary>What it may consume and commit: held and due.</summary>
    public List<TopicPartition> Assignment() => [.. Owned.Intersect(Target).Order()];
}
