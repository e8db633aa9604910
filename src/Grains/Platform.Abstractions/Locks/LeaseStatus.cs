namespace Platform.Locks;

[GenerateSerializer, Alias("Platform.LeaseStatus")]
public enum LeaseStatus
{
    /// <summary>Granted, renewed or released.</summary>
    Ok = 0,

    /// <summary>Not granted within the wait: held by others (they are listed).</summary>
    Busy = 1,

    /// <summary>Renew or release of a lease this owner does not hold with this token (expired, released, wrong owner or token).</summary>
    Lost = 2,

    /// <summary>A semaphore whose permits were never set.</summary>
    NotConfigured = 3,
}
