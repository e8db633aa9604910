using Orleans.Storage;

namespace Platform.Caches;

/// <summary>Keeps the sorted list of cache names; a name is listed only once its write succeeded.</summary>
public sealed class CacheCatalogGrain(
    [PersistentState("cacheCatalog")] IPersistentState<CacheCatalogState> state) : Grain, ICacheCatalogGrain
{
    public async Task<bool> Add(string name, int max)
    {
        var names = state.State.Names;
        var index = names.BinarySearch(name, StringComparer.Ordinal);
        if (index >= 0)
        {
            return true;
        }

        if (names.Count >= max)
        {
            return false;
        }

        List<string> next = [.. names];
        next.Insert(~index, name);
        await Write(next);
        return true;
    }

    public async Task Remove(string name)
    {
        var names = state.State.Names;
        var index = names.BinarySearch(name, StringComparer.Ordinal);
        if (index >= 0)
        {
            List<string> next = [.. names];
            next.RemoveAt(index);
            await Write(next);
        }
    }

    public Task<IReadOnlyList<string>> List(string? after, int limit)
    {
        IReadOnlyList<string> page = [.. state.State.Names.Where(n => after is null || string.CompareOrdinal(n, after) > 0).Take(limit)];
        return Task.FromResult(page);
    }

    private async Task Write(List<string> names)
    {
        var published = state.State;
        state.State = published with { Names = names };
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            state.State = published;
            if (ex is InconsistentStateException)
            {
                await state.ReadStateAsync();
            }

            throw;
        }
    }
}
