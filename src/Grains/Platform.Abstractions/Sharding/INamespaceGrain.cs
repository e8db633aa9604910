using Orleans.Concurrency;

namespace Platform.Sharding;

/// <summary>
/// The settings of one namespace (key: its name). Guarantee: settings never change once created; a delete
/// drops every shard before it is answered, and a later create gets a higher generation.
/// </summary>
[Alias("Platform.INamespaceGrain")]
public interface INamespaceGrain : IGrainWithStringKey
{
    /// <remarks>
    /// Interleaves deliberately: <see cref="Delete"/> waits on shards whose activation asks for these settings.
    /// </remarks>
    [Alias("Get"), AlwaysInterleave]
    Task<NamespaceSettings?> Get();

    /// <summary>Creates the namespace, or returns the existing settings with <c>Created = false</c>.</summary>
    [Alias("Create")]
    Task<NamespaceCreateResult> Create(NamespaceSpec spec);

    /// <summary>Deletes the namespace and its keys; false if it did not exist.</summary>
    [Alias("Delete")]
    Task<bool> Delete();
}
