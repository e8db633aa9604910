using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Client;
using Platform.Replication;
using Platform.Sharding;

namespace Platform.ClusterTests.Harness;

/// <summary>
/// An Orleans client of the test's own (PostgreSQL membership, like the client host) for what the HTTP API does not
/// expose: every replica's log (<see cref="IReplicaGrain.DumpLog"/>), to check election safety and that committed
/// entries agree across a group.
/// </summary>
public sealed class ReplicaLogs : IAsyncDisposable
{
    private readonly IHost _host;

    private ReplicaLogs(IHost host) => _host = host;

    public static async Task<ReplicaLogs> ConnectAsync(ProcessCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Platform:Cluster:Provider"] = "AdoNet",
            ["Platform:Cluster:ConnectionString"] = cluster.Postgres,
            ["Platform:Cluster:ClusterId"] = cluster.ClusterId,
            ["Platform:Cluster:ServiceId"] = cluster.ServiceId,
        });
        builder.AddPlatformClusterClient();
        var host = builder.Build();
        await host.StartAsync();
        return new ReplicaLogs(host);
    }

    /// <summary>The logs of the replicas of one group that answer (a replica whose silo is down is left out).</summary>
    public async Task<IReadOnlyList<ReplicaLogDump>> GroupAsync(ShardId group, int replicas)
    {
        var grains = _host.Services.GetRequiredService<IGrainFactory>();
        var dumps = await Task.WhenAll(Enumerable.Range(0, replicas).Select(async r =>
        {
            try
            {
                return await grains.GetGrain<IReplicaGrain>(new ReplicaId(group, r).ToGrainKey()).DumpLog().WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                return null;
            }
        }));
        return [.. dumps.OfType<ReplicaLogDump>()];
    }

    /// <summary>The status of each replica of a group (null for one that does not answer within 5 s).</summary>
    public async Task<IReadOnlyList<ReplicaStatus?>> StatusAsync(ShardId group, int replicas)
    {
        var grains = _host.Services.GetRequiredService<IGrainFactory>();
        return await Task.WhenAll(Enumerable.Range(0, replicas).Select(async r =>
        {
            try
            {
                return await grains.GetGrain<IReplicaGrain>(new ReplicaId(group, r).ToGrainKey()).Status().WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                return null;
            }
        }));
    }

    /// <summary>True when a group is whole: a leader, every replica a voter on a silo of its own, none lagging the leader's commit.</summary>
    public static bool IsWhole(IReadOnlyList<ReplicaStatus?> statuses)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        if (statuses.Any(s => s is null))
        {
            return false;
        }

        var leader = statuses.FirstOrDefault(s => s!.Role == ReplicaRole.Leader);
        return leader is not null && statuses.All(s => s!.Voter && s.AppliedIndex >= leader.CommitIndex - 1 && s.Term == leader.Term)
            && statuses.Select(s => s!.Silo).Distinct().Count() == statuses.Count;
    }

    /// <summary>
    /// The violations among a group's logs: two members that led one term, or two logs that differ at an index both
    /// have committed.
    /// </summary>
    public static List<string> Check(string group, IReadOnlyList<ReplicaLogDump> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        var failures = new List<string>();
        foreach (var term in logs.SelectMany(l => l.LedTerms.Select(t => (Term: t, Member: $"{l.Replica}.{l.Incarnation}"))).GroupBy(x => x.Term))
        {
            if (term.Select(x => x.Member).Distinct().Count() > 1)
            {
                failures.Add($"{group}: term {term.Key} was led by {string.Join(" and ", term.Select(x => x.Member).Distinct())}");
            }
        }

        for (var a = 0; a < logs.Count; a++)
        {
            for (var b = a + 1; b < logs.Count; b++)
            {
                var committed = Math.Min(logs[a].CommitIndex, logs[b].CommitIndex);
                var other = logs[b].Entries.ToDictionary(e => e.Index);
                foreach (var entry in logs[a].Entries.Where(e => e.Index <= committed))
                {
                    if (other.TryGetValue(entry.Index, out var theirs) && theirs != entry)
                    {
                        failures.Add($"{group}: replicas {logs[a].Replica}.{logs[a].Incarnation} and {logs[b].Replica}.{logs[b].Incarnation} differ at committed index {entry.Index}: {entry} vs {theirs}");
                    }
                }
            }
        }

        return failures;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
