using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Platform.Errors;

namespace Platform.Client.Host.Api;

/// <summary>
/// Turns every escaped exception into ProblemDetails: Platform's own refusals and bad input into their 4xx,
/// an unreachable cluster into 503 with Retry-After, and anything else into a logged 500 (a bug).
/// </summary>
internal sealed partial class PlatformExceptionHandler(ILogger<PlatformExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var extensions = new Dictionary<string, object?>();
        int? retryAfter = null;
        int status;
        string detail = exception.Message;
        switch (exception)
        {
            case PlatformValidationException validation:
                status = 400;
                if (validation.Field is not null)
                {
                    extensions["field"] = validation.Field;
                }

                break;
            case PlatformNotFoundException:
                status = 404;
                break;
            case PlatformConflictException:
                status = 409;
                break;
            case PlatformPreconditionFailedException precondition:
                status = 412;
                extensions["currentVersion"] = precondition.CurrentVersion;
                break;
            case PlatformPayloadTooLargeException:
                status = 413;
                break;
            case PlatformTransactionFailedException transaction:
                status = transaction.Unavailable ? 503 : 409;
                retryAfter = transaction.Unavailable ? transaction.RetryAfterSeconds : null;
                extensions["reason"] = transaction.Reason;
                extensions["retrySafe"] = transaction.RetrySafe;
                break;
            case PlatformUnavailableException unavailable:
                status = 503;
                retryAfter = unavailable.RetryAfterSeconds;
                break;
            case BadHttpRequestException badRequest:
                status = badRequest.StatusCode;
                detail = badRequest.InnerException is JsonException inner ? $"{badRequest.Message} {inner.Message}" : badRequest.Message;
                AddJsonField(extensions, badRequest.InnerException as JsonException);
                break;
            case JsonException json:
                status = 400;
                detail = json.Message;
                AddJsonField(extensions, json);
                break;
            case TimeoutException or Orleans.Runtime.SiloUnavailableException or Orleans.Runtime.OrleansMessageRejectionException
                or Orleans.Runtime.ClientNotAvailableException or Orleans.Runtime.Messaging.ConnectionFailedException:
                status = 503;
                retryAfter = 1;
                detail = $"The cluster could not serve the request now: {exception.Message}";
                break;
            case OperationCanceledException when context.RequestAborted.IsCancellationRequested:
                // The caller went away; nobody reads this answer.
                return true;
            default:
                LogUnhandled(exception, context.Request.Method, context.Request.Path);
                status = 500;
                detail = "An unexpected error occurred; it has been logged.";
                break;
        }

        await Problems.WriteAsync(context, status, detail, extensions, retryAfter);
        return true;
    }

    /// <summary>Names the offending field of a JSON body ("$.partitioning" becomes "partitioning").</summary>
    private static void AddJsonField(Dictionary<string, object?> extensions, JsonException? json)
    {
        if (json?.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal))
        {
            extensions["field"] = path[2..];
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception on {Method} {Path}")]
    private partial void LogUnhandled(Exception exception, string method, string path);
}
