using Orleans.Storage;

namespace Platform.Discovery;

/// <summary>The names of services with instances; a write is answered only once persisted.</summary>
public sealed class ServiceCatalogGrain(
    [PersistentState("serviceCatalog")] IPersistentState<ServiceCatalogState> state) : Grain, IServiceCatalogGrain
{
    public Task Add(string service) => Change(service, add: true);

    public Task Remove(string service) => Change(service, add: false);

    public Task<(IReadOnlyList<string> Names, bool More)> List(string? after, int limit)
    {
        var names = state.State.Names;
        var view = after is null ? names : names.GetViewBetween(after, names.Max ?? after).Where(n => string.CompareOrdinal(n, after) > 0);
        var page = view.Take(limit + 1).ToList();
        var more = page.Count > limit;
        return Task.FromResult<(IReadOnlyList<string>, bool)>((more ? page[..limit] : page, more));
    }

    private async Task Change(string service, bool add)
    {
        var published = state.State;
        if (published.Names.Contains(service) == add)
        {
            return;
        }

        var next = new SortedSet<string>(published.Names, StringComparer.Ordinal);
        _ = add ? next.Add(service) : next.Remove(service);
        state.State = published with { Names = next };
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
