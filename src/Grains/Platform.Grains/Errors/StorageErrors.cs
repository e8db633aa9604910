using System.Globalization;
using Azure;
using Orleans.Storage;
using Orleans.Transactions;

namespace Platform.Errors;

/// <summary>
/// The silo's one translation of storage failures into Platform refusals: applied where an exception leaves a
/// Platform grain (the silo's incoming grain call filter) and where a key-value shard activates. Each row:
/// <list type="table">
/// <item><term><c>Azure.RequestFailedException</c>, status 0 (no response), 408, 429, 500, 502, 503, 504 (throttling,
/// an outage)</term><description><see cref="PlatformUnavailableException"/>: 503 with the service's
/// <c>Retry-After</c> (1–60 s; 1 s when it sent none)</description></item>
/// <item><term><c>Orleans.Storage.InconsistentStateException</c> (an ETag race lost to another writer, state that kept
/// changing while read)</term><description><see cref="PlatformUnavailableException"/>: 503, Retry-After 1 s; the
/// caller's request did not conflict with anything it could see, and a retry decides again on fresh
/// state</description></item>
/// </list>
/// Platform refusals pass unchanged, and so do Orleans transaction failures, which the typed client classifies
/// (409 for an abort, 503 for a timeout or an unknown outcome). Any other exception is not translated: it is a bug.
/// </summary>
public static class StorageErrors
{
    private const int MaxRetryAfterSeconds = 60;

    /// <summary>Statuses of the Azure SDK that mean "not now": no response, 408, 429, 500, 502, 503, 504.</summary>
    public static bool IsTransientStatus(int status) => status is 0 or 408 or 429 or 500 or 502 or 503 or 504;

    /// <summary>The refusal for a storage failure anywhere in <paramref name="exception"/>'s chain; null for anything else.</summary>
    public static PlatformUnavailableException? Translate(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception is PlatformException or OrleansTransactionException ? null : Find(exception);
    }

    private static PlatformUnavailableException? Find(Exception? exception)
    {
        switch (exception)
        {
            case null:
                return null;
            case RequestFailedException failed when IsTransientStatus(failed.Status):
                var code = string.IsNullOrEmpty(failed.ErrorCode) ? "" : $" {failed.ErrorCode}";
                return new PlatformUnavailableException(
                    $"Storage could not serve the request now (HTTP {failed.Status}{code}: {FirstLine(failed.Message)}); retry.")
                {
                    RetryAfterSeconds = RetryAfterSeconds(failed),
                };
            case InconsistentStateException conflict:
                return new PlatformUnavailableException(
                    $"The state was changed by another writer while this request was decided ({FirstLine(conflict.Message)}); retry.");
            case AggregateException aggregate:
                return aggregate.InnerExceptions.Select(Find).FirstOrDefault(t => t is not null);
            default:
                return Find(exception.InnerException);
        }
    }

    /// <summary>The service's <c>Retry-After</c> in seconds (1–60), or 1 when it sent none.</summary>
    private static int RetryAfterSeconds(RequestFailedException failed)
    {
        if (failed.GetRawResponse() is { } response
            && response.Headers.TryGetValue("Retry-After", out var value)
            && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return Math.Clamp(seconds, 1, MaxRetryAfterSeconds);
        }

        return 1;
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
