namespace Platform.Discovery;

/// <summary>The names of services that have instances (one grain, off the hot path: touched when a service gains its first or loses its last instance).</summary>
[Alias("Platform.Discovery.IServiceCatalogGrain")]
public interface IServiceCatalogGrain : IGrainWithStringKey
{
    [Alias("Add")]
    Task Add(string service);

    [Alias("Remove")]
    Task Remove(string service);

    /// <summary>Names after <paramref name="after"/> in ordinal order, at most <paramref name="limit"/>; and whether more follow.</summary>
    [Alias("List")]
    Task<(IReadOnlyList<string> Names, bool More)> List(string? after, int limit);
}
