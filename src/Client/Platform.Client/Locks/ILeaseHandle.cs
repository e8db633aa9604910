namespace Platform.Locks;

/// <summary>
/// A held lock, semaphore permit set or election leadership, renewed in the background until disposed (which
/// releases it). <see cref="Lost"/> fires when the lease is lost (refused renewal, or no renewal succeeded before it
/// ran out); from then on the holder must stop acting on it. Present <see cref="Token"/> with every fenced write: a
/// lock's as <c>KeyValueFence.ForLock(Name, Token)</c>, an election leader's term as
/// <c>KeyValueFence.ForElection(Name, Token)</c>.
/// </summary>
public interface ILeaseHandle : IAsyncDisposable
{
    /// <summary>The lock, semaphore or election name.</summary>
    string Name { get; }

    string Owner { get; }

    /// <summary>The fencing token (an election's term): strictly increasing over every grant of this name.</summary>
    long Token { get; }

    /// <summary>The expiry as of the last successful renewal (the lease grain's clock).</summary>
    DateTimeOffset ExpiresAt { get; }

    /// <summary>Cancelled when the lease is lost.</summary>
    CancellationToken Lost { get; }

    /// <summary>Releases now (also done by DisposeAsync); a lease already lost is not an error.</summary>
    Task ReleaseAsync(CancellationToken cancellationToken = default);
}
