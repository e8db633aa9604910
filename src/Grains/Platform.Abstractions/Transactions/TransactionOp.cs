using System.Text;

namespace Platform.Transactions;

/// <summary>One operation of a transaction's success or failure branch.</summary>
[GenerateSerializer, Immutable, Alias("Platform.TxnOp")]
public sealed record TransactionOp
{
    [Id(0)] public TransactionOpKind Kind { get; init; }

    [Id(1)] public required string Key { get; init; }

    /// <summary>The value a put writes.</summary>
    [Id(2)] public byte[]? Value { get; init; }

    [Id(3)] public string? ContentType { get; init; }

    /// <summary>What an add adds (may be negative).</summary>
    [Id(4)] public long Amount { get; init; }

    /// <summary>The shard holding <see cref="Key"/>; set by the client when it routes the transaction.</summary>
    [Id(5)] public int Shard { get; init; }

    public static TransactionOp Get(string key) => new() { Kind = TransactionOpKind.Get, Key = key };

    public static TransactionOp Put(string key, byte[] value, string? contentType = null) =>
        new() { Kind = TransactionOpKind.Put, Key = key, Value = value, ContentType = contentType };

    public static TransactionOp Put(string key, string value) => Put(key, Encoding.UTF8.GetBytes(value), "text/plain; charset=utf-8");

    public static TransactionOp Delete(string key) => new() { Kind = TransactionOpKind.Delete, Key = key };

    public static TransactionOp Add(string key, long amount) => new() { Kind = TransactionOpKind.Add, Key = key, Amount = amount };
}
