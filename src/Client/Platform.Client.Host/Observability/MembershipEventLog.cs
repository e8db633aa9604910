using Platform.Client.Cluster;

namespace Platform.Client.Host.Observability;

/// <summary>
/// Turns successive reads of the membership table into failure-detection events: a silo joining (its start time),
/// each vote that it is dead (the vote's time and who cast it: Orleans keeps them in the table), and each status
/// change between two reads (when it was seen). The first read also tells what happened before this host started:
/// a silo already dead then is reported dead at the last vote against it or, with none, its last I-am-alive. Keeps the latest <see cref="Capacity"/>
/// events; thread-safe (the watcher and console snapshots both feed it).
/// </summary>
public sealed class MembershipEventLog
{
    /// <summary>Most events kept.</summary>
    public const int Capacity = 200;

    private readonly Lock _lock = new();
    private readonly Dictionary<(string Silo, int Generation), SiloSeen> _silos = [];
    private readonly List<MembershipEvent> _events = [];

    /// <summary>Compares <paramref name="silos"/> (the table's rows) with the previous read and records what changed, seen at <paramref name="now"/>.</summary>
    public void Observe(IReadOnlyList<ClusterSilo> silos, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(silos);
        lock (_lock)
        {
            foreach (var silo in silos)
            {
                ObserveSilo(silo, now);
            }

            if (_events.Count > Capacity)
            {
                _events.Sort((a, b) => a.At.CompareTo(b.At));
                _events.RemoveRange(0, _events.Count - Capacity);
            }
        }
    }

    /// <summary>The latest <paramref name="max"/> events, newest first.</summary>
    public IReadOnlyList<MembershipEvent> Recent(int max)
    {
        lock (_lock)
        {
            return [.. _events.OrderByDescending(e => e.At).ThenByDescending(e => Order(e.Kind)).Take(max)];
        }
    }

    private void ObserveSilo(ClusterSilo silo, DateTimeOffset now)
    {
        var key = (silo.Address, silo.Generation);
        if (!_silos.TryGetValue(key, out var seen))
        {
            seen = new SiloSeen();
            _silos[key] = seen;
            Add(silo, silo.StartTime, "joined", null, "table");
            if (silo.Status is not ("Joining" or "Active" or "Created"))
            {
                // Already past Active before this host read the table, which keeps no time of the change: it came no
                // earlier than the last vote against the silo, or its last I-am-alive.
                var at = silo.Suspicions.Select(v => v.At).Append(silo.LastIAmAlive).Max();
                Add(silo, at, Kind(silo.Status), null, "table");
            }
        }
        else if (seen.Status != silo.Status)
        {
            Add(silo, now, Kind(silo.Status), null, "seen");
        }

        seen.Status = silo.Status;
        foreach (var vote in silo.Suspicions)
        {
            if (seen.Votes.Add((vote.By, vote.At)))
            {
                Add(silo, vote.At, "suspected", vote.By, "table");
            }
        }
    }

    private void Add(ClusterSilo silo, DateTimeOffset at, string kind, string? by, string source) =>
        _events.Add(new MembershipEvent(at, silo.Address, silo.Generation, silo.Name, kind, by, source));

    private static string Kind(string status) => status switch
    {
        "Active" => "active",
        "ShuttingDown" => "shutting-down",
        "Stopping" => "stopping",
        "Dead" => "dead",
        "Joining" or "Created" => "joining",
        _ => status.ToLowerInvariant(),
    };

    // Ties at one instant (a seeded row): the later stage first in a newest-first list.
    private static int Order(string kind) => kind switch
    {
        "joined" => 0,
        "joining" => 1,
        "active" => 2,
        "suspected" => 3,
        "shutting-down" => 4,
        "stopping" => 5,
        _ => 6,
    };

    private sealed class SiloSeen
    {
        public string Status { get; set; } = "";

        public HashSet<(string By, DateTimeOffset At)> Votes { get; } = [];
    }
}
