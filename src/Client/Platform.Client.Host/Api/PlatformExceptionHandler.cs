using System.Text.Json;
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
                    inner is null ? badRequest.Message : $"{badRequest.Message} {inner.Message}", JsonField(inner));
                break;
            case JsonException json:
                await Problems.WriteAsync(context, ProblemTable.For(PlatformErrorKind.Validation).Status, json.Message, JsonField(json));
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

    /// <summary>Names the offending field of a JSON body ("$.partitioning" becomes "partitioning").</summary>
    private static Dictionary<string, object?>? JsonField(JsonException? json) =>
        json?.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal)
            ? new Dictionary<string, object?> { ["field"] = path[2..] }
            : null;

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception on {Method} {Path}")]
    private partial void LogUnhandled(Exception exception, string method, string path);
}
