namespace Platform.EventLog;

/// <summary>The names of all topics.</summary>
[GenerateSerializer, Alias("Platform.EventLog.TopicCatalogState")]
public sealed class TopicCatalogState
{
    [Id(0)] public SortedSet<string> Topics { get; set; } = new(StringComparer.Ordinal);
}
