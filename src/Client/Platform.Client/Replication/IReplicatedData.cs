namespace Platform.Replication;

/// <summary>
/// The typed data of multi-leader namespaces: PN-counters and add-wins OR-sets (<c>conflicts: crdt</c>) and the
/// siblings of a key (<c>conflicts: siblings</c>). An operation on a namespace of another kind is a 400 naming
/// <c>namespace</c>, and nothing changes.
/// </summary>
public interface IReplicatedData
{
    /// <summary>Adds <paramref name="delta"/> (negative: subtracts) at one replica; answers the counter's value there.</summary>
    Task<long> AddToCounterAsync(string ns, string key, long delta, CancellationToken cancellationToken = default);

    /// <summary>The counter merged from the replicas the read level asks (0 when never incremented).</summary>
    Task<long> GetCounterAsync(string ns, string key, ReadConsistency? consistency = null, CancellationToken cancellationToken = default);

    /// <summary>Adds an element (a concurrent remove elsewhere does not remove this add); answers the set at that replica.</summary>
    Task<IReadOnlyList<string>> AddToSetAsync(string ns, string key, string element, CancellationToken cancellationToken = default);

    /// <summary>Removes the element as far as this replica has seen it added; answers the set at that replica.</summary>
    Task<IReadOnlyList<string>> RemoveFromSetAsync(string ns, string key, string element, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<string>> GetSetAsync(string ns, string key, ReadConsistency? consistency = null, CancellationToken cancellationToken = default);

    /// <summary>Every sibling of a key (concurrent writes no write has replaced yet) and the causal context a write replacing them sends back.</summary>
    Task<SiblingsResult> GetSiblingsAsync(string ns, string key, ReadConsistency? consistency = null, CancellationToken cancellationToken = default);
}
