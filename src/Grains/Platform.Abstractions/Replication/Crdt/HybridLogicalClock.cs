namespace Platform.Replication.Crdt;

/// <summary>
/// A hybrid logical clock (Kulkarni et al., 2014) on a <see cref="TimeProvider"/>: <see cref="Now"/> never goes back
/// and is above every reading <see cref="Observe"/> was given, so a write made after seeing another orders after it
/// whatever the clocks say. Its wall part stays within the largest clock skew among the nodes of the physical time.
/// Thread-safe.
/// </summary>
public sealed class HybridLogicalClock(TimeProvider time, int node)
{
    private readonly Lock _lock = new();
    private long _wall;
    private int _counter;

    public int Node => node;

    /// <summary>The last reading handed out or observed.</summary>
    public HlcTimestamp Last
    {
        get
        {
            lock (_lock)
            {
                return new HlcTimestamp(_wall, _counter, node);
            }
        }
    }

    /// <summary>A new reading for a local event: above everything before it.</summary>
    public HlcTimestamp Now()
    {
        var physical = time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            if (physical > _wall)
            {
                _wall = physical;
                _counter = 0;
            }
            else
            {
                _counter++;
            }

            return new HlcTimestamp(_wall, _counter, node);
        }
    }

    /// <summary>Takes in a reading from another node (a message received), so later readings here order after it.</summary>
    public void Observe(HlcTimestamp remote)
    {
        var physical = time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            var wall = Math.Max(Math.Max(_wall, remote.WallMs), physical);
            if (wall == _wall && wall == remote.WallMs)
            {
                _counter = Math.Max(_counter, remote.Counter);
            }
            else if (wall == remote.WallMs)
            {
                _counter = remote.Counter;
            }
            else if (wall != _wall)
            {
                _counter = 0;
            }

            _wall = wall;
        }
    }
}
