namespace Platform.Replication.Crdt;

/// <summary>One event of one actor: the actor's <see cref="Counter"/>-th event (counters start at 1).</summary>
public readonly record struct Dot(long Actor, long Counter) : IComparable<Dot>
{
    public int CompareTo(Dot other)
    {
        var c = Actor.CompareTo(other.Actor);
        return c != 0 ? c : Counter.CompareTo(other.Counter);
    }

    public static bool operator <(Dot a, Dot b) => a.CompareTo(b) < 0;

    public static bool operator >(Dot a, Dot b) => a.CompareTo(b) > 0;

    public static bool operator <=(Dot a, Dot b) => a.CompareTo(b) <= 0;

    public static bool operator >=(Dot a, Dot b) => a.CompareTo(b) >= 0;
}
