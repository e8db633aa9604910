namespace Platform.EventLog;

/// <summary>A topic as its grain knows it: settings, current partition count and the generation its partitions live under.</summary>
[GenerateSerializer, Immutable, Alias("Platform.EventLog.TopicInfo")]
public sealed record TopicInfo
{
    [Id(0)] public required string Name { get; init; }

    /// <summary>Bumped by each create after a delete: partitions live under <c>{topic}/{generation}/{p}</c>.</summary>
    [Id(1)] public required long Generation { get; init; }

    /// <summary>The settings, with the current partition count.</summary>
    [Id(2)] public required TopicSpec Spec { get; init; }

    [Id(3)] public required DateTimeOffset CreatedAt { get; init; }

    public PartitionId Partition(int index) => new(Name, Generation, index);
}
