namespace Platform.ClusterTests.Transactions;

/// <summary>Where in two-phase commit <see cref="TransactionCrashProxy"/> SIGKILLs a participant's silo process.</summary>
public enum TransactionCrashStep
{
    /// <summary>Storage has accepted the participant's prepared record; the participant never learns it, so it never votes.</summary>
    Prepared,

    /// <summary>The manager (on another silo) decided commit; the participant's write applying it never reaches storage.</summary>
    CommitDecided,
}
