namespace Platform.ClusterTests.Transactions;

/// <summary>The transaction <see cref="TransactionCrashProxy"/> crashed on: its record in the participant's partition, and storage's answer to the batch ("" when the batch was held).</summary>
public sealed record CrashedRecord(TransactionCrashStep Step, string Partition, long SequenceId, string TransactionId, string StorageAnswer);
