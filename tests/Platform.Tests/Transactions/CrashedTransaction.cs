namespace Platform.Tests.Transactions;

/// <summary>The transaction <see cref="TransactionCrashPoint"/> crashes in: the participant grain and its prepared record.</summary>
internal sealed record CrashedTransaction(string Grain, long SequenceId, string TransactionId);
