using System.Text.Json;

namespace Platform.Client.Host.Transactions;

/// <summary>
/// One operation: <c>op</c> is <c>get</c>, <c>put</c>, <c>delete</c> or <c>add</c>; a put carries <c>value</c> (UTF-8) or
/// <c>valueBase64</c> and optionally <c>contentType</c>; an add carries a signed 64-bit integer in <c>value</c>.
/// </summary>
public sealed record TransactionOpBody(string? Op, string? Key, JsonElement? Value, string? ValueBase64, string? ContentType);
