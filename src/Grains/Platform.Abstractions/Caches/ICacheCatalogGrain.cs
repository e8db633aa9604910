namespace Platform.Caches;

/// <summary>The sorted list of cache names (single grain, key <see cref="Key"/>); off the data path. Guarantee: a listed name was persisted.</summary>
[Alias("Platform.ICacheCatalogGrain")]
public interface ICacheCatalogGrain : IGrainWithStringKey
{
    const string Key = "caches";

    [Alias("Add")]
    Task<bool> Add(string name, int max);

    [Alias("Remove")]
    Task Remove(string name);

    [Alias("List")]
    Task<IReadOnlyList<string>> List(string? after, int limit);
}
