using System.Text.Json;

namespace Platform.Client.Host.Transactions;

/// <summary>
/// One comparison: <c>target</c> is <c>version</c>, <c>value</c> or <c>exists</c>; <c>op</c> one of <c>== != &lt; &lt;= &gt; &gt;=</c>;
/// <c>value</c> a string, number or boolean (or <c>valueBase64</c> for bytes).
/// </summary>
public sealed record TransactionCompareBody(string? Key, string? Target, string? Op, JsonElement? Value, string? ValueBase64);
