using Platform.Transactions;

namespace Platform.Client.Host.Transactions;

/// <summary>The words of the transaction API's JSON: targets, comparison operators and operation names.</summary>
internal static class TxnApiNames
{
    public static TxnCompareTarget? Target(string? name) => name switch
    {
        "version" => TxnCompareTarget.Version,
        "value" => TxnCompareTarget.Value,
        "exists" => TxnCompareTarget.Exists,
        _ => null,
    };

    public static TxnCompareOp? CompareOp(string? name) => name switch
    {
        "==" => TxnCompareOp.Equal,
        "!=" => TxnCompareOp.NotEqual,
        "<" => TxnCompareOp.Less,
        "<=" => TxnCompareOp.LessOrEqual,
        ">" => TxnCompareOp.Greater,
        ">=" => TxnCompareOp.GreaterOrEqual,
        _ => null,
    };

    public static TxnOpKind? Op(string? name) => name switch
    {
        "get" => TxnOpKind.Get,
        "put" => TxnOpKind.Put,
        "delete" => TxnOpKind.Delete,
        "add" => TxnOpKind.Add,
        _ => null,
    };

    public static string OpName(TxnOpKind kind) => kind switch
    {
        TxnOpKind.Get => "get",
        TxnOpKind.Put => "put",
        TxnOpKind.Delete => "delete",
        TxnOpKind.Add => "add",
        _ => kind.ToString(),
    };
}
