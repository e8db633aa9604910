using Platform.Errors;

namespace Platform.Locks;

/// <summary>
/// A lock, semaphore or election refused the request: held by others after the wait, or a renew, release, proclaim
/// or resign of a lease this owner does not hold. Carries the holders and queue length it met (HTTP 409 with
/// <c>holders</c> and <c>queueLength</c>).
/// </summary>
public sealed class LeaseConflictException : PlatformConflictException
{
    public LeaseConflictException()
    {
    }

    public LeaseConflictException(string message)
        : base(message)
    {
    }

    public LeaseConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public LeaseConflictException(string message, IReadOnlyList<LeaseHolder> holders, int queueLength)
        : base(message)
    {
        Holders = holders;
        QueueLength = queueLength;
    }

    /// <summary>The holders when the request was refused.</summary>
    public IReadOnlyList<LeaseHolder> Holders { get; } = [];

    /// <summary>Requests queued when the request was refused.</summary>
    public int QueueLength { get; }

    public override IReadOnlyDictionary<string, object?> Details => new Dictionary<string, object?>
    {
        ["holders"] = Holders.Select(LeaseHolderSummary.From).ToList(),
        ["queueLength"] = QueueLength,
    };
}
