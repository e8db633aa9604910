namespace Platform.Testing.Http;

/// <summary>A share group on one partition.</summary>
public sealed record SharePartitionAnswer(int Partition, long Start, long Next, int Leased, int Redeliverable, long Acked, long DeadLettered, string Silo);
