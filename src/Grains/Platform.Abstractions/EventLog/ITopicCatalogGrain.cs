namespace Platform.EventLog;

/// <summary>The names of all topics (one grain, key <see cref="Key"/>), for listing only; never on the produce or read path.</summary>
[Alias("Platform.EventLog.ITopicCatalogGrain")]
public interface ITopicCatalogGrain : IGrainWithStringKey
{
    const string Key = "topics";

    [Alias("Add")]
    Task Add(string topic);

    [Alias("Remove")]
    Task Remove(string topic);

    /// <summary>Up to <paramref name="limit"/> names after <paramref name="after"/> in ordinal order.</summary>
    [Alias("List")]
    Task<IReadOnlyList<string>> List(string? after, int limit);
}
