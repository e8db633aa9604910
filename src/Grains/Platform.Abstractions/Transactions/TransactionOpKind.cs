namespace Platform.Transactions;

/// <summary>What one operation of a transaction does.</summary>
[GenerateSerializer, Alias("Platform.TxnOpKind")]
public enum TransactionOpKind
{
    /// <summary>Reads the key (its value and version, or not found).</summary>
    Get = 0,

    /// <summary>Writes the value; the version becomes 1 on create, +1 otherwise.</summary>
    Put = 1,

    /// <summary>Deletes the key if it exists (a missing key is no failure).</summary>
    Delete = 2,

    /// <summary>Adds a signed 64-bit amount to an integer in text (a missing key counts as 0); a non-integer or overflow aborts the transaction.</summary>
    Add = 3,
}
