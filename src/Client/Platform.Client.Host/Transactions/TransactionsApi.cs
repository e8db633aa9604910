using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Platform.Errors;
using Platform.KeyValue;
using Platform.Transactions;

namespace Platform.Client.Host.Transactions;

/// <summary><c>POST /v1/txn</c>: etcd-style multi-key transactions on a transactional namespace.</summary>
public static class TransactionsApi
{
    public static IEndpointRouteBuilder MapTransactionsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/txn", Commit).WithTags("Transactions").WithName("Transaction")
            .WithSummary("Compare, then run the success or the failure operations; all in one serializable, atomic transaction.");
        return app;
    }

    private static async Task<Ok<TransactionResponse>> Commit(IKeyValueStore store, IOptions<TransactionOptions> options, [FromBody] TransactionRequestBody? body, CancellationToken ct)
    {
        if (body is null)
        {
            throw new PlatformValidationException("body", "is required: { \"namespace\", \"compare\", \"success\", \"failure\" }");
        }

        if (string.IsNullOrEmpty(body.Namespace))
        {
            throw new PlatformValidationException("namespace", "is required");
        }

        // Counts first, so an oversized request is refused before any of it is decoded.
        var maxOps = options.Value.MaxOps;
        CheckCount("compare", body.Compare, maxOps);
        CheckCount("success", body.Success, maxOps);
        CheckCount("failure", body.Failure, maxOps);

        var txn = store.Transaction(body.Namespace)
            .If([.. (body.Compare ?? []).Select((c, i) => ToCompare(c, $"compare[{i}]"))])
            .Then([.. (body.Success ?? []).Select((o, i) => ToOp(o, $"success[{i}]"))])
            .Else([.. (body.Failure ?? []).Select((o, i) => ToOp(o, $"failure[{i}]"))]);
        var result = await txn.CommitAsync(ct);
        return TypedResults.Ok(new TransactionResponse(result.Succeeded, [.. result.Results.Select(TransactionOpResponse.From)]));
    }

    private static void CheckCount<T>(string field, IReadOnlyList<T>? list, int max)
    {
        if (list is { Count: var count } && count > max)
        {
            throw new PlatformValidationException(field, $"holds {count} entries; at most {max} are allowed (Platform:Transactions:MaxOps)");
        }
    }

    private static TransactionCompare ToCompare(TransactionCompareBody? body, string field)
    {
        if (body is null)
        {
            throw new PlatformValidationException(field, "must be an object");
        }

        var target = TransactionApiNames.Target(body.Target)
            ?? throw new PlatformValidationException($"{field}.target", $"must be one of: version, value, exists (got {Quote(body.Target)})");
        var op = TransactionApiNames.CompareOp(body.Op)
            ?? throw new PlatformValidationException($"{field}.op", $"must be one of: ==, !=, <, <=, >, >= (got {Quote(body.Op)})");
        var value = Bytes(body.Value, body.ValueBase64, field)
            ?? throw new PlatformValidationException($"{field}.value", "is required");
        return new TransactionCompare { Key = RequiredKey(body.Key, field), Target = target, Op = op, Value = value };
    }

    private static TransactionOp ToOp(TransactionOpBody? body, string field)
    {
        if (body is null)
        {
            throw new PlatformValidationException(field, "must be an object");
        }

        var kind = TransactionApiNames.Op(body.Op)
            ?? throw new PlatformValidationException($"{field}.op", $"must be one of: get, put, delete, add (got {Quote(body.Op)})");
        var key = RequiredKey(body.Key, field);
        switch (kind)
        {
            case TransactionOpKind.Put:
                var value = Bytes(body.Value, body.ValueBase64, field)
                    ?? throw new PlatformValidationException($"{field}.value", "is required for put (or valueBase64)");
                return new TransactionOp { Kind = kind, Key = key, Value = value, ContentType = body.ContentType };
            case TransactionOpKind.Add:
                var amount = Bytes(body.Value, null, field);
                if (amount is null || !TransactionIntegers.TryParse(amount, out var number))
                {
                    throw new PlatformValidationException($"{field}.value", "must be a signed 64-bit integer for add (such as \"-25\")");
                }

                return new TransactionOp { Kind = kind, Key = key, Amount = number };
            default:
                return new TransactionOp { Kind = kind, Key = key };
        }
    }

    private static string RequiredKey(string? key, string field) =>
        string.IsNullOrEmpty(key) ? throw new PlatformValidationException($"{field}.key", "is required") : key;

    /// <summary>A JSON string as UTF-8, a number or boolean as its text, or valueBase64's bytes; null when neither is given.</summary>
    private static byte[]? Bytes(JsonElement? value, string? valueBase64, string field)
    {
        if (value is { } element && element.ValueKind != JsonValueKind.Null)
        {
            if (valueBase64 is not null)
            {
                throw new PlatformValidationException($"{field}.valueBase64", "must not be sent together with value");
            }

            return element.ValueKind switch
            {
                JsonValueKind.String => Encoding.UTF8.GetBytes(element.GetString()!),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => Encoding.UTF8.GetBytes(element.GetRawText()),
                _ => throw new PlatformValidationException($"{field}.value", "must be a string, number or boolean"),
            };
        }

        if (valueBase64 is null)
        {
            return null;
        }

        try
        {
            return Convert.FromBase64String(valueBase64);
        }
        catch (FormatException)
        {
            throw new PlatformValidationException($"{field}.valueBase64", "is not valid base64");
        }
    }

    private static string Quote(string? text) => text is null ? "nothing" : $"'{text}'";
}
