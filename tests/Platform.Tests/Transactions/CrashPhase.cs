namespace Platform.Tests.Transactions;

/// <summary>Where in two-phase commit <see cref="TransactionCrashPoint"/> stops a participant's silo.</summary>
internal enum CrashPhase
{
    /// <summary>The participant's prepared record is in storage; it has not told the transaction manager.</summary>
    Prepared,

    /// <summary>The transaction manager (on another silo) decided commit; the participant has not written the commit.</summary>
    CommitDecided,
}
