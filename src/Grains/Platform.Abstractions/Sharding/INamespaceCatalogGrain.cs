namespace Platform.Sharding;

/// <summary>The list of namespace names (single grain, key <see cref="Key"/>); off the data path.</summary>
[Alias("Platform.INamespaceCatalogGrain")]
public interface INamespaceCatalogGrain : IGrainWithStringKey
{
    const string Key = "catalog";

    [Alias("Add")]
    Task Add(string name);

    [Alias("Remove")]
    Task Remove(string name);

    /// <summary>Names in ordinal order after <paramref name="after"/>, at most <paramref name="limit"/>.</summary>
    [Alias("List")]
    Task<IReadOnlyList<string>> List(string? after, int limit);
}
