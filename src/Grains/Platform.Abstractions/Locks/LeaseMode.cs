namespace Platform.Locks;

/// <summary>How a lease is held: many shared holders together, or one exclusive holder alone.</summary>
[GenerateSerializer, Alias("Platform.LeaseMode")]
public enum LeaseMode
{
    Exclusive = 0,
    Shared = 1,
}
