using Platform.Client.Host.Api;
using Platform.Transactions;

namespace Platform.Client.Host.Transactions;

/// <summary>
/// One operation's result: a get's <c>found</c>, value and version; a put's or add's new version (and an add's new
/// value); a delete's <c>found</c> and the version it removed.
/// </summary>
public sealed record TransactionOpResponse(string Op, string Key, bool Found, long Version, string? ValueBase64, string? Value, string? ContentType)
{
    public static TransactionOpResponse From(TransactionOpResult result) => new(
        TransactionApiNames.OpName(result.Kind),
        result.Key,
        result.Found,
        result.Version,
        result.Value is null ? null : JsonValues.Base64(result.Value),
        result.Value is null ? null : JsonValues.Text(result.Value),
        result.ContentType);
}
