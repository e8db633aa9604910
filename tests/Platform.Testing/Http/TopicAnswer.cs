namespace Platform.Testing.Http;

/// <summary>A topic as <c>GET /v1/topics/{topic}</c> answers it.</summary>
public sealed record TopicAnswer(string Name, int Partitions, long Generation, string Cleanup, int MaxRecordBytes, IReadOnlyList<PartitionOffsetsAnswer>? Offsets);
