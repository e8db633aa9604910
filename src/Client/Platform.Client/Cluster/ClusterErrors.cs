using Orleans.Runtime.Messaging;
using Orleans.Storage;
using Orleans.Transactions;
using Platform.Errors;

namespace Platform.Client.Cluster;

/// <summary>
/// The one classification of transient cluster errors: what the HTTP host answers with 503 and Retry-After, what
/// its gateway retry runs again, and what the cluster view tolerates from a silo that is going away.
/// </summary>
public static class ClusterErrors
{
    /// <summary>
    /// The connection to the cluster broke under the call: the gateway or silo died or is leaving, or this client
    /// is not connected. The call may or may not have run; a safe (read-only) call can be sent again at once, and
    /// Orleans routes it through another gateway.
    /// </summary>
    public static bool IsConnectionLoss(Exception exception) =>
        exception is SiloUnavailableException or ConnectionFailedException or OrleansMessageRejectionException or ClientNotAvailableException;

    /// <summary>
    /// The cluster could not serve the call now, and a later retry may succeed: a connection loss, no answer in
    /// time, a Platform refusal of kind <see cref="PlatformErrorKind.Unavailable"/>, or, as a safety net behind the
    /// blocks' own translations (silos translate storage failures, the typed client Orleans transaction failures),
    /// an ETag race lost in storage (<see cref="InconsistentStateException"/>), an Orleans transaction failure
    /// that reached here unclassified, or a grain that could not activate because its state could not be read now
    /// (Orleans wraps the storage's Unavailable refusal, e.g. the system replica group electing a leader).
    /// </summary>
    public static bool IsTransient(Exception exception) =>
        IsConnectionLoss(exception) || exception is TimeoutException or InconsistentStateException or OrleansTransactionException
        || exception is PlatformException { Kind: PlatformErrorKind.Unavailable }
        || (exception is OrleansException && exception.GetBaseException() is PlatformException { Kind: PlatformErrorKind.Unavailable });
}
