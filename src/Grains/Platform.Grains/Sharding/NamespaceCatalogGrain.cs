using Orleans.Storage;
using Platform.Errors;

namespace Platform.Sharding;

/// <summary>Keeps the sorted list of namespace names.</summary>
/// <remarks>
/// Decide on a copy, write, then publish (as <see cref="NamespaceGrain"/>): a name is listed only once its write
/// succeeded, so a failed write never leaves a name that only memory knows (which a retried add would then never
/// write). A write whose outcome is unknown, or one that lost an ETag race, makes the next call re-read first.
/// </remarks>
public sealed class NamespaceCatalogGrain(
    [PersistentState("catalog")] IPersistentState<NamespaceCatalogState> state) : Grain, INamespaceCatalogGrain
{
    private bool _stale;

    public Task Add(string name) => Mutate(names =>
    {
        var index = names.BinarySearch(name, StringComparer.Ordinal);
        if (index >= 0)
        {
            return null;
        }

        List<string> next = [.. names];
        next.Insert(~index, name);
        return next;
    });

    public Task Remove(string name) => Mutate(names =>
    {
        var index = names.BinarySearch(name, StringComparer.Ordinal);
        if (index < 0)
        {
            return null;
        }

        List<string> next = [.. names];
        next.RemoveAt(index);
        return next;
    });

    public Task<IReadOnlyList<string>> List(string? after, int limit)
    {
        var names = new SortedSet<string>(state.State.Names, StringComparer.Ordinal) { NamespaceSettings.DefaultNamespace };
        IReadOnlyList<string> page = [.. names.Where(n => after is null || string.CompareOrdinal(n, after) > 0).Take(limit)];
        return Task.FromResult(page);
    }

    private async Task Mutate(Func<List<string>, List<string>?> decide)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (_stale)
            {
                await state.ReadStateAsync();
                _stale = false;
            }

            var published = state.State;
            if (decide(published.Names) is not { } names)
            {
                return;
            }

            state.State = published with { Names = names };
            try
            {
                await state.WriteStateAsync();
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                state.State = published;
                _stale = true;
                if (ex is InconsistentStateException && attempt == 0)
                {
                    continue;
                }

                throw new PlatformUnavailableException($"The namespace catalog could not be persisted ({ex.GetBaseException().Message}); retry.", ex);
            }
        }
    }
}
