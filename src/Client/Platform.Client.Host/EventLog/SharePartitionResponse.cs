namespace Platform.Client.Host.EventLog;

/// <summary>A share group on one partition: every offset below <c>start</c> is done, none from <c>next</c> on was delivered yet.</summary>
public sealed record SharePartitionResponse(int Partition, long Start, long Next, int Leased, int Redeliverable, long Acked, long DeadLettered, string Silo);
