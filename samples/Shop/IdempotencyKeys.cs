using System.Text.RegularExpressions;

namespace Shop;

/// <summary>
/// The <c>Idempotency-Key</c> header every effect endpoint requires: 1-128 of <c>[A-Za-z0-9._:-]</c>. One endpoint
/// filter checks it (400 ProblemDetails naming the header otherwise), so the handlers read a key known to be valid.
/// </summary>
public static partial class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";

    private const string ItemKey = "Shop.IdempotencyKey";

    /// <summary>Answers 400 unless the request carries a valid key; the handler then reads it with <see cref="Of"/>.</summary>
    public static TBuilder RequireIdempotencyKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var value = context.HttpContext.Request.Headers[Header].ToString();
            if (!Valid().IsMatch(value))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Idempotency-Key required",
                    detail: $"Send an {Header} header of 1-128 characters [A-Za-z0-9._:-].", extensions: new Dictionary<string, object?> { ["field"] = Header });
            }

            context.HttpContext.Items[ItemKey] = value;
            return await next(context);
        });

    /// <summary>The key <see cref="RequireIdempotencyKey"/> checked for this request.</summary>
    public static string Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return (string)context.Items[ItemKey]!;
    }

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$")]
    private static partial Regex Valid();
}
