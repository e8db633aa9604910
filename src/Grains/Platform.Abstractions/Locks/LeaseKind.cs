namespace Platform.Locks;

/// <summary>What a lease grain guards; part of its key, so a lock and a semaphore of one name are different things.</summary>
[GenerateSerializer, Alias("Platform.LeaseKind")]
public enum LeaseKind
{
    /// <summary>Shared or exclusive holders, unbounded shared count.</summary>
    Lock = 0,

    /// <summary>Shared holders taking <c>count</c> of a configured number of permits.</summary>
    Semaphore = 1,

    /// <summary>One exclusive holder, the leader; its token is the term.</summary>
    Election = 2,
}
