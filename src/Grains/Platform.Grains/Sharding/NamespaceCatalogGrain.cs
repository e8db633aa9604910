namespace Platform.Sharding;

/// <summary>Keeps the sorted list of namespace names.</summary>
public sealed class NamespaceCatalogGrain(
    [PersistentState("catalog")] IPersistentState<NamespaceCatalogState> state) : Grain, INamespaceCatalogGrain
{
    public async Task Add(string name)
    {
        var names = state.State.Names;
        var index = names.BinarySearch(name, StringComparer.Ordinal);
        if (index < 0)
        {
            names.Insert(~index, name);
            await state.WriteStateAsync();
        }
    }

    public async Task Remove(string name)
    {
        var names = state.State.Names;
        var index = names.BinarySearch(name, StringComparer.Ordinal);
        if (index >= 0)
        {
            names.RemoveAt(index);
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> List(string? after, int limit)
    {
        var names = new SortedSet<string>(state.State.Names, StringComparer.Ordinal) { NamespaceSettings.DefaultNamespace };
        IReadOnlyList<string> page = [.. names.Where(n => after is null || string.CompareOrdinal(n, after) > 0).Take(limit)];
        return Task.FromResult(page);
    }
}
