namespace Platform.Testing.Http;

/// <summary>One partition of one topic, as groups answer it.</summary>
public sealed record AssignedPartition(string Topic, int Partition);
