namespace Platform.Locks;

/// <summary>Grain keys of lease grains: <c>{kind}/{name}</c> (names never contain '/').</summary>
public static class LeaseKeys
{
    public static string For(LeaseKind kind, string name) => kind switch
    {
        LeaseKind.Lock => "lock/" + name,
        LeaseKind.Semaphore => "semaphore/" + name,
        LeaseKind.Election => "election/" + name,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static (LeaseKind Kind, string Name) Parse(string key)
    {
        var slash = key.IndexOf('/');
        var kind = slash < 0 ? null : key[..slash] switch
        {
            "lock" => LeaseKind.Lock,
            "semaphore" => LeaseKind.Semaphore,
            "election" => (LeaseKind?)LeaseKind.Election,
            _ => null,
        };
        return kind is null ? throw new ArgumentException($"'{key}' is not a lease grain key.", nameof(key)) : (kind.Value, key[(slash + 1)..]);
    }

    public static ILockGrain Grain(this IGrainFactory grains, LeaseKind kind, string name) =>
        grains.GetGrain<ILockGrain>(For(kind, name));
}
