using System.IO.Hashing;
using System.Text;

namespace Platform.Discovery;

/// <summary>
/// Every resolve strategy over a list of healthy instances, with the per-instance state they need (open picks,
/// latency EWMA, smooth-WRR weights, the hash ring). One implementation, used by the service grain (HTTP resolve) and
/// by the .NET balancing handler over its cached list. Thread-safe (one lock; picks are a few hundred nanoseconds).
/// </summary>
public sealed class ServiceBalancer
{
    /// <summary>Virtual nodes per instance on the consistent-hash ring.</summary>
    public const int VirtualNodes = 160;

    /// <summary>Smoothing of the latency EWMA: the weight of the newest report.</summary>
    public const double EwmaAlpha = 0.3;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Stats> _stats = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _assigned = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _assignedCount = new(StringComparer.Ordinal);
    private readonly double _boundedLoadFactor;
    private readonly int _maxAssignedKeys;
    private readonly Random _random;
    private readonly TimeProvider _time;
    private readonly TimeSpan _openPickLifetime;
    private readonly long _openPickLifetimeTicks;
    private ServiceInstance[] _statsOf = [];
    private Stats[] _statsAt = [];
    private (ulong Point, string Id)[] _ring = [];
    private string[] _ringIds = [];
    private Dictionary<string, int> _ringPositions = new(StringComparer.Ordinal);
    private long _cursor;

    /// <param name="boundedLoadFactor">Consistent hashing: no instance holds more than ceil(factor × keys / instances) keys.</param>
    /// <param name="maxAssignedKeys">Keys remembered for consistent hashing; beyond it the assignment starts over.</param>
    /// <param name="random">Power of two choices; a seeded one makes tests repeatable.</param>
    /// <param name="time">The clock of <paramref name="openPickLifetime"/>.</param>
    /// <param name="openPickLifetime">An instance's open picks are forgotten after this long without a pick or report of it (callers that never report). Default 30 s.</param>
    public ServiceBalancer(double boundedLoadFactor = 1.25, int maxAssignedKeys = 100_000, Random? random = null, TimeProvider? time = null, TimeSpan? openPickLifetime = null)
    {
        _boundedLoadFactor = boundedLoadFactor;
        _maxAssignedKeys = maxAssignedKeys;
        _random = random ?? Random.Shared;
        _time = time ?? TimeProvider.System;
        _openPickLifetime = openPickLifetime ?? TimeSpan.FromSeconds(30);
        _openPickLifetimeTicks = (long)(_openPickLifetime.TotalSeconds * _time.TimestampFrequency);
    }

    /// <summary>One instance of <paramref name="healthy"/> (weight 0 never), or null when none is left.</summary>
    public ServiceInstance? Pick(IReadOnlyList<ServiceInstance> healthy, ResolveRequest request)
    {
        ArgumentNullException.ThrowIfNull(healthy);
        ArgumentNullException.ThrowIfNull(request);
        var candidates = Candidates(healthy, request.Zone);
        if (candidates.Count == 0)
        {
            return null;
        }

        lock (_gate)
        {
            var now = _time.GetTimestamp();
            var stats = StatsFor(candidates, now);
            var picked = request.Strategy switch
            {
                ResolveStrategy.Weighted => Weighted(candidates, stats),
                ResolveStrategy.LeastConnections => Least(stats, static s => s.Open),
                ResolveStrategy.LeastResponseTime => Least(stats, static s => s.Ewma is { } ewma ? 1 + ewma + (s.Open * 1e-6) : s.Open * 1e-9),
                ResolveStrategy.ConsistentHash => ConsistentHash(candidates, request.Key ?? ""),
                ResolveStrategy.PowerOfTwo => PowerOfTwo(stats),
                _ => (int)(_cursor++ % candidates.Count),
            };
            stats[picked].Open++;
            stats[picked].Touched = now;
            return candidates[picked];
        }
    }

    // The stats of each candidate by position. Callers pass the same instances until the registry changes them (the
    // handler's cache even the same array), so after one lookup per instance a pick only checks that each position
    // holds the same instance object, and ages open picks on the one timestamp.
    private Stats[] StatsFor(IReadOnlyList<ServiceInstance> candidates, long now)
    {
        var same = candidates.Count == _statsOf.Length;
        for (var i = 0; i < candidates.Count && same; i++)
        {
            same = ReferenceEquals(candidates[i], _statsOf[i]);
        }

        if (!same)
        {
            _statsOf = [.. candidates];
            _statsAt = new Stats[candidates.Count];
            for (var i = 0; i < candidates.Count; i++)
            {
                _statsAt[i] = StatsOf(candidates[i].Id);
            }
        }

        foreach (var stats in _statsAt)
        {
            if (stats.Open > 0 && now - stats.Touched > _openPickLifetimeTicks)
            {
                stats.Open = 0;
            }
        }

        return _statsAt;
    }

    // The instances a pick chooses from, ordered by id: weight 0 never, the zone's own when it has any. The hot path
    // (an id-ordered list with no drained instance and no zone, as the .NET handler's cache holds) allocates nothing.
    private static IReadOnlyList<ServiceInstance> Candidates(IReadOnlyList<ServiceInstance> healthy, string? zone)
    {
        var plain = zone is null;
        for (var i = 0; i < healthy.Count && plain; i++)
        {
            plain = healthy[i].Registration.Weight > 0 && (i == 0 || string.CompareOrdinal(healthy[i - 1].Id, healthy[i].Id) < 0);
        }

        if (plain)
        {
            return healthy;
        }

        var candidates = new List<ServiceInstance>(healthy.Count);
        foreach (var instance in healthy)
        {
            if (instance.Registration.Weight > 0)
            {
                candidates.Add(instance);
            }
        }

        if (zone is not null)
        {
            var local = candidates.FindAll(i => i.Registration.Zone == zone);
            if (local.Count > 0)
            {
                candidates = local;
            }
        }

        candidates.Sort(static (a, b) => string.CompareOrdinal(a.Id, b.Id));
        return candidates;
    }

    /// <summary>An outcome: closes one open pick (when <paramref name="closesPick"/>) and feeds the latency EWMA.</summary>
    public void Report(string id, double? latencyMs, bool closesPick = true)
    {
        lock (_gate)
        {
            var stats = StatsOf(id);
            stats.Touched = _time.GetTimestamp();
            if (closesPick && stats.Open > 0)
            {
                stats.Open--;
            }

            if (latencyMs is { } latency && latency >= 0 && double.IsFinite(latency))
            {
                stats.Ewma = stats.Ewma is { } ewma ? (EwmaAlpha * latency) + ((1 - EwmaAlpha) * ewma) : latency;
            }
        }
    }

    /// <summary>Open picks of an instance (resolved, not yet reported).</summary>
    public int OpenPicks(string id)
    {
        lock (_gate)
        {
            return _stats.TryGetValue(id, out var s) ? s.Open : 0;
        }
    }

    /// <summary>The latency EWMA of an instance, null before its first report.</summary>
    public double? Ewma(string id)
    {
        lock (_gate)
        {
            return _stats.TryGetValue(id, out var s) ? s.Ewma : null;
        }
    }

    /// <summary>Keys consistent hashing has assigned to each instance (bounded loads hold these).</summary>
    public IReadOnlyDictionary<string, int> AssignedKeys()
    {
        lock (_gate)
        {
            return new Dictionary<string, int>(_assignedCount);
        }
    }

    /// <summary>Forgets the state of instances no longer registered.</summary>
    public void Retain(IEnumerable<string> ids)
    {
        var keep = new HashSet<string>(ids, StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var id in _stats.Keys.Where(k => !keep.Contains(k)).ToList())
            {
                _stats.Remove(id);
            }

            _statsOf = [];
            _statsAt = [];
        }
    }

    private Stats StatsOf(string id)
    {
        if (!_stats.TryGetValue(id, out var stats))
        {
            stats = new Stats { Touched = _time.GetTimestamp() };
            _stats[id] = stats;
        }
        else if (stats.Open > 0 && _time.GetElapsedTime(stats.Touched) > _openPickLifetime)
        {
            stats.Open = 0;
        }

        return stats;
    }

    // nginx's smooth weighted round robin: every pick adds each weight to its current value, takes the highest and
    // subtracts the total from it; over any window of total-weight picks each instance gets exactly its weight.
    private static int Weighted(IReadOnlyList<ServiceInstance> candidates, Stats[] stats)
    {
        var total = 0L;
        var best = 0;
        for (var i = 0; i < candidates.Count; i++)
        {
            var weight = candidates[i].Registration.Weight;
            stats[i].Current += weight;
            total += weight;
            if (stats[i].Current > stats[best].Current)
            {
                best = i;
            }
        }

        stats[best].Current -= total;
        return best;
    }

    // Lowest score; ties go round robin, so equal instances share the traffic. Least response time scores unmeasured
    // instances first (each gets measured), then the lowest EWMA; open picks break ties.
    private int Least(Stats[] stats, Func<Stats, double> score)
    {
        var start = (int)(_cursor++ % stats.Length);
        var best = start;
        var bestScore = double.MaxValue;
        for (var i = 0; i < stats.Length; i++)
        {
            var at = (start + i) % stats.Length;
            var s = score(stats[at]);
            if (s < bestScore)
            {
                best = at;
                bestScore = s;
            }
        }

        return best;
    }

    private int PowerOfTwo(Stats[] stats)
    {
        if (stats.Length == 1)
        {
            return 0;
        }

        var a = _random.Next(stats.Length);
        var b = _random.Next(stats.Length - 1);
        if (b >= a)
        {
            b++;
        }

        var (sa, sb) = (stats[a], stats[b]);
        if (sa.Open != sb.Open)
        {
            return sa.Open < sb.Open ? a : b;
        }

        return (sa.Ewma ?? 0) <= (sb.Ewma ?? 0) ? a : b;
    }

    // Consistent hashing with bounded loads (Mirrokni, Thorup, Zadimoghaddam 2018): a key keeps its instance while
    // that instance stays; a new key walks the ring from its point to the first instance holding fewer than
    // ceil(factor × (keys + 1) / instances) keys. A change of the instance set rebuilds the ring and re-assigns keys
    // lazily, so only keys whose ring owner changed (about 1/N) move.
    private int ConsistentHash(IReadOnlyList<ServiceInstance> candidates, string key)
    {
        var same = candidates.Count == _ringIds.Length;
        for (var i = 0; i < candidates.Count && same; i++)
        {
            same = string.Equals(candidates[i].Id, _ringIds[i], StringComparison.Ordinal);
        }

        if (!same)
        {
            Rebuild(candidates);
        }

        // Same ids in the same order as at the rebuild: an id's position names its instance in this list.
        var byId = _ringPositions;
        if (_assigned.TryGetValue(key, out var held) && byId.TryGetValue(held, out var kept))
        {
            return kept;
        }

        if (_assigned.Count >= _maxAssignedKeys)
        {
            _assigned.Clear();
            _assignedCount.Clear();
        }

        var bound = (int)Math.Ceiling(_boundedLoadFactor * (_assigned.Count + 1) / candidates.Count);
        var start = Search(Hash(key));
        for (var i = 0; i < _ring.Length; i++)
        {
            var id = _ring[(start + i) % _ring.Length].Id;
            if (_assignedCount.GetValueOrDefault(id) < bound)
            {
                _assigned[key] = id;
                _assignedCount[id] = _assignedCount.GetValueOrDefault(id) + 1;
                return byId[id];
            }
        }

        return byId[_ring[start].Id];
    }

    private void Rebuild(IReadOnlyList<ServiceInstance> candidates)
    {
        var points = new (ulong, string)[candidates.Count * VirtualNodes];
        var n = 0;
        foreach (var instance in candidates)
        {
            for (var v = 0; v < VirtualNodes; v++)
            {
                points[n++] = (Hash($"{instance.Id}#{v}"), instance.Id);
            }
        }

        Array.Sort(points, static (a, b) => a.Item1 != b.Item1 ? a.Item1.CompareTo(b.Item1) : string.CompareOrdinal(a.Item2, b.Item2));
        _ring = points;
        _ringIds = [.. candidates.Select(c => c.Id)];
        _ringPositions = new Dictionary<string, int>(candidates.Count, StringComparer.Ordinal);
        for (var i = 0; i < _ringIds.Length; i++)
        {
            _ringPositions[_ringIds[i]] = i;
        }

        _assigned.Clear();
        _assignedCount.Clear();
    }

    private int Search(ulong point)
    {
        int lo = 0, hi = _ring.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_ring[mid].Point < point)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo == _ring.Length ? 0 : lo;
    }

    private static ulong Hash(string text) => XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(text));

    private sealed class Stats
    {
        public int Open;
        public double? Ewma;
        public long Current;
        public long Touched;
    }
}
