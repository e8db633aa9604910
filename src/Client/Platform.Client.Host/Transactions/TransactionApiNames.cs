using Platform.Transactions;

namespace Platform.Client.Host.Transactions;

/// <summary>The words of the transaction API's JSON: targets, comparison operators and operation names.</summary>
internal static class TransactionApiNames
{
    public static TransactionCompareTarget? Target(string? name) => name switch
    {
        "version" => TransactionCompareTarget.Version,
        "value" => TransactionCompareTarget.Value,
        "exists" => TransactionCompareTarget.Exists,
        _ => null,
    };

    public static TransactionCompareOp? CompareOp(string? name) => name switch
    {
        "==" => TransactionCompareOp.Equal,
        "!=" => TransactionCompareOp.NotEqual,
        "<" => TransactionCompareOp.Less,
        "<=" => TransactionCompareOp.LessOrEqual,
        ">" => TransactionCompareOp.Greater,
        ">=" => TransactionCompareOp.GreaterOrEqual,
        _ => null,
    };

    public static TransactionOpKind? Op(string? name) => name switch
    {
        "get" => TransactionOpKind.Get,
        "put" => TransactionOpKind.Put,
        "delete" => TransactionOpKind.Delete,
        "add" => TransactionOpKind.Add,
        _ => null,
    };

    public static string OpName(TransactionOpKind kind) => kind switch
    {
        TransactionOpKind.Get => "get",
        TransactionOpKind.Put => "put",
        TransactionOpKind.Delete => "delete",
        TransactionOpKind.Add => "add",
        _ => kind.ToString(),
    };
}
