namespace Platform.EventLog;

/// <summary>
/// A share-group fetch: at most <see cref="Max"/> records (default <c>DefaultShareFetchRecords</c>), leased for
/// <see cref="VisibilityMs"/> (default <c>DefaultVisibilityMs</c>), waiting up to <see cref="WaitMs"/> when none is
/// there, from one <see cref="Partition"/> or (null) from every partition in turn.
/// </summary>
public sealed record ShareFetchOptions
{
    public int? Max { get; init; }

    public int? VisibilityMs { get; init; }

    public int WaitMs { get; init; }

    public int? Partition { get; init; }
}
