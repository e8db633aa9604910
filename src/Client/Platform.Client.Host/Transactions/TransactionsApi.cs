using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Platform.Client.Host.Api;
using Platform.Errors;
using Platform.KeyValue;
using Platform.Transactions;

namespace Platform.Client.Host.Transactions;

/// <summary><c>POST /v1/txn</c>: etcd-style multi-key transactions on a transactional namespace.</summary>
public static class TransactionsApi
{
    public static IEndpointRouteBuilder MapTransactionsApi(this IEndpointRouteBuilder v1)
    {
        v1.MapPost("/txn", Commit).WithTags("Transactions").WithName("Transaction")
            .WithSummary("Compare, then run the success or the failure operations; all in one serializable, atomic transaction.")
            .ProducesProblems(400, 404, 409, 413, 415);
        return v1;
    }

    /// <summary>
    /// Turns the JSON words and values into the typed client's comparisons and operations; the client checks them
    /// (list lengths, keys, required values, limits) and runs the transaction.
    /// </summary>
    private static async Task<Ok<TransactionResponse>> Commit(IKeyValueStore store, [FromBody] TransactionRequestBody? body, CancellationToken ct)
    {
        if (body is null)
        {
            throw new PlatformValidationException("body", "is required: { \"namespace\", \"compare\", \"success\", \"failure\" }");
        }

        var txn = store.Transaction(body.Namespace ?? "")
            .If([.. (body.Compare ?? []).Select((c, i) => ToCompare(c, $"compare[{i}]"))])
            .Then([.. (body.Success ?? []).Select((o, i) => ToOp(o, $"success[{i}]"))])
            .Else([.. (body.Failure ?? []).Select((o, i) => ToOp(o, $"failure[{i}]"))]);
        var result = await txn.CommitAsync(ct);
        return TypedResults.Ok(new TransactionResponse(result.Succeeded, [.. result.Results.Select(TransactionOpResponse.From)]));
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
        // A missing key or value is the typed client's to refuse, as for any caller.
        return new TransactionCompare { Key = body.Key!, Target = target, Op = op, Value = Bytes(body.Value, body.ValueBase64, field)! };
    }

    private static TransactionOp ToOp(TransactionOpBody? body, string field)
    {
        if (body is null)
        {
            throw new PlatformValidationException(field, "must be an object");
        }

        var kind = TransactionApiNames.Op(body.Op)
            ?? throw new PlatformValidationException($"{field}.op", $"must be one of: get, put, delete, add (got {Quote(body.Op)})");
        var key = body.Key!;
        switch (kind)
        {
            case TransactionOpKind.Put:
                return new TransactionOp { Kind = kind, Key = key, Value = Bytes(body.Value, body.ValueBase64, field), ContentType = body.ContentType };
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
