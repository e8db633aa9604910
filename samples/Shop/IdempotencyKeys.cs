using System.Text.RegularExpressions;

namespace Shop;

/// <summary>The <c>Idempotency-Key</c> header every effect endpoint requires: 1-128 of <c>[A-Za-z0-9._:-]</c>.</summary>
public static partial class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";

    public static string? From(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var value = request.Headers[Header].ToString();
        return Valid().IsMatch(value) ? value : null;
    }

    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Missing() =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Idempotency-Key required",
            detail: $"Send an {Header} header of 1-128 characters [A-Za-z0-9._:-].", extensions: new Dictionary<string, object?> { ["field"] = Header });

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$")]
    private static partial Regex Valid();
}
