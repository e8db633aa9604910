using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Platform.Client.Cluster;
using Platform.Errors;

namespace Platform.Client.Host.Api;

/// <summary>
/// Turns every escaped exception into ProblemDetails. A Platform refusal answers by its kind through
/// <see cref="ProblemTable"/>, with the refusal's own <see cref="PlatformException.Details"/> and
/// <see cref="PlatformException.RetryAfter"/>; malformed requests answer 400 (or the status ASP.NET gave them); a
/// transient cluster error (<see cref="ClusterErrors.IsTransient"/>) answers 503 with Retry-After; anything else is a
/// logged 500 (a bug). No block's exception type appears here.
/// </summary>
internal sealed partial class PlatformExceptionHandler(ILogger<PlatformExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        switch (exception)
        {
            case PlatformException refusal:
                await Problems.WriteAsync(context, ProblemTable.For(refusal.Kind).Status, refusal.Message, refusal.Details, refusal.RetryAfter);
                break;
            case BadHttpRequestException badRequest:
                var inner = badRequest.InnerException as JsonException;
                await Problems.WriteAsync(context, badRequest.StatusCode,
                    inner is null ? badRequest.Message : $"{badRequest.Message} {Describe(inner)}",
                    Field(inner is null ? ParameterOf(badRequest) : JsonField(inner)));
                break;
            case JsonException json:
                await Problems.WriteAsync(context, ProblemTable.For(PlatformErrorKind.Validation).Status, Describe(json), Field(JsonField(json)));
                break;
            case OperationCanceledException when context.RequestAborted.IsCancellationRequested:
                // The caller went away; nobody reads this answer.
                break;
            case var transient when ClusterErrors.IsTransient(transient):
                await Problems.WriteAsync(context, ProblemTable.For(PlatformErrorKind.Unavailable).Status,
                    $"The cluster could not serve the request now: {exception.Message}");
                break;
            default:
                LogUnhandled(exception, context.Request.Method, context.Request.Path);
                await Problems.WriteAsync(context, StatusCodes.Status500InternalServerError, "An unexpected error occurred; it has been logged.");
                break;
        }

        return true;
    }

    private static Dictionary<string, object?>? Field(string? field) =>
        field is null ? null : new Dictionary<string, object?> { ["field"] = field };

    /// <summary>
    /// Names the offending field of a JSON body: <c>$.partitioning</c> is <c>partitioning</c>,
    /// <c>$.success[0].value</c> is <c>success[0].value</c>, and <c>$</c> (the body as a whole) is <c>body</c>.
    /// </summary>
    private static string? JsonField(JsonException json) => json.Path switch
    {
        null => "body",
        "$" => "body",
        var path when path.StartsWith("$.", StringComparison.Ordinal) => path[2..],
        var path when path.StartsWith('$') => path[1..],
        var path => path,
    };

    /// <summary>A JSON error with its cause: a lone surrogate or invalid UTF-8 is an InvalidOperationException inside.</summary>
    private static string Describe(JsonException json) =>
        json.InnerException is InvalidOperationException cause && !json.Message.Contains(cause.Message, StringComparison.Ordinal)
            ? $"{json.Message} {cause.Message}"
            : json.Message;

    /// <summary>
    /// The parameter ASP.NET could not bind, from its message (<c>Failed to bind parameter "int? limit" from "x"</c>,
    /// <c>Implicit body inferred for parameter "body" but no body was provided</c>); a 415 names Content-Type.
    /// </summary>
    private static string? ParameterOf(BadHttpRequestException badRequest)
    {
        if (badRequest.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return "Content-Type";
        }

        var match = ParameterPattern().Match(badRequest.Message);
        return match.Success ? match.Groups["name"].Value : null;
    }

    [GeneratedRegex("""parameter "(?:[^"]* )?(?<name>[A-Za-z_][A-Za-z0-9_]*)"(?: from| was| but)""")]
    private static partial Regex ParameterPattern();

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception on {Method} {Path}")]
    private partial void LogUnhandled(Exception exception, string method, string path);
}
