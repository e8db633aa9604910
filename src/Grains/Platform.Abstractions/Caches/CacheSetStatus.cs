namespace Platform.Caches;

public enum CacheSetStatus
{
    Ok = 0,

    /// <summary>Not applied: the cached entry has a newer source version.</summary>
    Stale = 1,

    PreconditionFailed = 2,
}
