namespace Platform.EventLog;

/// <summary>The topic names, for listing (never on the produce or read path).</summary>
public sealed class TopicCatalogGrain(
    [PersistentState("topics", TopicGrain.StorageName)] IPersistentState<TopicCatalogState> state) : Grain, ITopicCatalogGrain
{
    public async Task Add(string topic)
    {
        if (state.State.Topics.Add(topic))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task Remove(string topic)
    {
        if (state.State.Topics.Remove(topic))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> List(string? after, int limit)
    {
        return Task.FromResult<IReadOnlyList<string>>([.. state.State.Topics.Where(n => after is null || string.CompareOrdinal(n, after) > 0).Take(limit)]);
    }
}
