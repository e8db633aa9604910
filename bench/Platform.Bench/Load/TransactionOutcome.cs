namespace Platform.Bench.Load;

/// <summary>How one <c>POST /v1/txn</c> transfer ended, as the bank driver counts it.</summary>
internal enum TransactionOutcome
{
    /// <summary>200 with <c>succeeded: true</c>: the transfer was applied.</summary>
    Committed,

    /// <summary>200 with <c>succeeded: false</c>: the balance comparison failed, nothing moved.</summary>
    Insufficient,

    /// <summary>409: the transaction aborted (lock conflict, participant failure).</summary>
    Conflict,

    /// <summary>503: timeout, overload or unknown outcome.</summary>
    Unavailable,

    /// <summary>Any other status, or no answer.</summary>
    Other,
}
