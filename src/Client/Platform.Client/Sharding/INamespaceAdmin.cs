namespace Platform.Sharding;

/// <summary>Creates, inspects and deletes namespaces; shows where their shards and keys live.</summary>
public interface INamespaceAdmin
{
    /// <summary>One page of namespace names in order.</summary>
    Task<NamespacePage> ListAsync(NamespaceListOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>The settings; throws <c>PlatformNotFoundException</c> if the namespace does not exist.</summary>
    Task<NamespaceSettings> GetAsync(string ns, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates the namespace, or returns it unchanged when it exists with the same settings (<c>Created</c> false);
    /// throws <c>PlatformConflictException</c> when it exists with different ones.
    /// </summary>
    Task<NamespaceCreateResult> CreateAsync(string ns, NamespaceSpec spec, CancellationToken cancellationToken = default);

    /// <summary>Deletes the namespace and every key in it.</summary>
    Task DeleteAsync(string ns, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ShardInfo>> GetShardMapAsync(string ns, bool includeRanges = false, CancellationToken cancellationToken = default);

    Task<ShardLocation> LocateAsync(string ns, string key, CancellationToken cancellationToken = default);
}
