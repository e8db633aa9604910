using System.Globalization;
using System.Text;

namespace Platform.Transactions;

/// <summary>One comparison of a transaction; all must hold for the success branch to run.</summary>
[GenerateSerializer, Immutable, Alias("Platform.TxnCompare")]
public sealed record TransactionCompare
{
    [Id(0)] public required string Key { get; init; }

    [Id(1)] public TransactionCompareTarget Target { get; init; }

    [Id(2)] public TransactionCompareOp Op { get; init; }

    /// <summary>The operand: a version or true/false in text for those targets, the bytes compared for <see cref="TransactionCompareTarget.Value"/>.</summary>
    [Id(3)] public required byte[] Value { get; init; }

    /// <summary>The shard holding <see cref="Key"/>; set by the client when it routes the transaction.</summary>
    [Id(4)] public int Shard { get; init; }

    /// <summary>Compares the key's version (0 when absent).</summary>
    public static TransactionCompare Version(string key, TransactionCompareOp op, long version) =>
        new() { Key = key, Target = TransactionCompareTarget.Version, Op = op, Value = Encoding.UTF8.GetBytes(version.ToString(CultureInfo.InvariantCulture)) };

    /// <summary>Compares the key's value with text (numerically when both are integers).</summary>
    public static TransactionCompare ValueOf(string key, TransactionCompareOp op, string value) =>
        new() { Key = key, Target = TransactionCompareTarget.Value, Op = op, Value = Encoding.UTF8.GetBytes(value) };

    /// <summary>Compares the key's value with an integer.</summary>
    public static TransactionCompare ValueOf(string key, TransactionCompareOp op, long value) =>
        ValueOf(key, op, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Holds when the key exists (<paramref name="exists"/> true) or does not (false).</summary>
    public static TransactionCompare Exists(string key, bool exists = true) =>
        new() { Key = key, Target = TransactionCompareTarget.Exists, Op = TransactionCompareOp.Equal, Value = Encoding.UTF8.GetBytes(exists ? "true" : "false") };
}
