using Platform.Replication.Quorum;

namespace Platform.Replication.Storage;

/// <summary>
/// One activation's view of a versioned replica's stored states. Every write is conditional on the row's ETag as this
/// activation last saw it: when another activation of the same replica wrote the key meanwhile, the store reads what
/// that one stored, hands it to the caller to merge, and writes the merge, so no merged state is ever overwritten.
/// </summary>
public interface IVersionedReplicaStore
{
    /// <summary>The states found when the store was opened.</summary>
    IReadOnlyList<VersionedEntry> Loaded { get; }

    /// <summary>
    /// Stores the key's current state. <paramref name="current"/> is given the stored bytes another activation wrote
    /// (null on the first attempt) and answers the state to write (the caller's, merged with them), or null when the
    /// key is gone here (the row is then deleted).
    /// </summary>
    Task SaveAsync(string key, Func<byte[]?, byte[]?> current, CancellationToken cancellationToken);

    /// <summary>
    /// The states other activations of the replica wrote since this one last looked (rows whose ETag is not the one it
    /// last saw): an orphaned activation that kept accepting writes leaves them in the rows, and the live one merges
    /// them in from here.
    /// </summary>
    Task<IReadOnlyList<VersionedEntry>> ChangedAsync(CancellationToken cancellationToken);

    /// <summary>Deletes the key's row (an expired tombstone); best effort, a row written meanwhile by another activation stays.</summary>
    Task DeleteAsync(string key);

    /// <summary>Deletes every row of the replica.</summary>
    Task DropAsync();
}
