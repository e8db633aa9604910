using Platform.Configuration;

namespace Platform.Replication;

/// <summary>Replica groups (<c>Platform:Replication</c>): Raft timing, timeouts, snapshots and the system group. Silos and clients read it.</summary>
public sealed class ReplicationOptions : IPlatformOptions
{
    public const string SectionName = "Platform:Replication";

    /// <summary>The period of each replica's Raft timer (one tick). Default 50 ms; 5 ms to 1 s. Silos only.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Ticks between a leader's heartbeats. Default 2 (100 ms). Silos only.</summary>
    public int HeartbeatTicks { get; set; } = 2;

    /// <summary>
    /// Ticks a follower waits without hearing from its leader before it campaigns, randomized in [ElectionTicks,
    /// 2 x ElectionTicks); a leader that hears from no quorum for ElectionTicks steps down. Default 10 (0.5-1 s at 50 ms
    /// ticks). Silos only.
    /// </summary>
    public int ElectionTicks { get; set; } = 10;

    /// <summary>
    /// How long a write may take, retries at other replicas included, before it answers 503 with Retry-After (its
    /// outcome then unknown: read it back). Default 5 s. Also how long a strong read may wait for a leader.
    /// </summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a client waits for one replica before it tries another (a paused or partitioned silo). Default 2 s.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a session read waits at a replica that is behind its token, when the request names no <c>waitMs</c>. Default 1 s.</summary>
    public TimeSpan SessionWait { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The largest <c>waitMs</c> a session read may ask for. Default 10 s.</summary>
    public TimeSpan MaxSessionWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Log entries a replica keeps after its last snapshot before it takes a new one. Default 10000. Silos only.</summary>
    public int SnapshotEntries { get; set; } = 10_000;

    /// <summary>How long a group remembers a write's request id, so a retried write applies once. Default 2 min. Silos only.</summary>
    public TimeSpan DedupWindow { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Replicas of the system group, which keeps namespace settings, the catalog and lock state when silos run a
    /// cluster on memory storage. Default 3; 1-7. Silos only.
    /// </summary>
    public int SystemReplicas { get; set; } = 3;

    /// <summary>How often a leader checks whether its group shares a silo while another silo has none of it, and spreads it out. Default 10 s. Silos only.</summary>
    public TimeSpan RebalanceInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the replicas' grain directory holds back a crashed silo's replicas before they may be activated
    /// elsewhere (Orleans' <c>GrainDirectoryOptions.RangeLeaseDuration</c>, counted from the estimated crash). Default
    /// 3 s; 0 to 10 min. Silos only.
    /// </summary>
    public TimeSpan DirectoryLease { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Quorum and multi-leader: how often each replica compares its Merkle tree with the next replica's and exchanges the differing ranges. Default 10 s; 100 ms to 1 h. Silos only.</summary>
    public TimeSpan AntiEntropyInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Quorum and multi-leader: how long a delete's tombstone is kept before replicas forget it. Must exceed
    /// <see cref="HintTtl"/> and twice <see cref="AntiEntropyInterval"/>: a replica away longer than this can resurrect
    /// a deleted key. Default 10 min. Silos only.
    /// </summary>
    public TimeSpan TombstoneGrace { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Quorum: how long a hint for an unreachable replica is kept before it expires (anti-entropy covers the rest). Default 5 min. Silos only.</summary>
    public TimeSpan HintTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Quorum: keys one replica holds as hints for one other replica; more are dropped (and counted). Default 10000. Silos only.</summary>
    public int MaxHints { get; set; } = 10_000;

    /// <summary>Multi-leader: keys one replica queues for one other replica; more are dropped from the queue (anti-entropy sends them). Default 100000. Silos only.</summary>
    public int MaxPendingOutgoing { get; set; } = 100_000;

    /// <summary>Quorum and multi-leader: how often a replica sends queued updates and hints. Default 200 ms; 10 ms to 1 min. Silos only.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Multi-leader: how long a write waits for one other replica to hold it before it is answered anyway (0: answer at once). Default 1 s. Silos only.</summary>
    public TimeSpan CopyWait { get; set; } = TimeSpan.FromSeconds(1);

    public IEnumerable<string> Validate()
    {
        if (AntiEntropyInterval < TimeSpan.FromMilliseconds(100) || AntiEntropyInterval > TimeSpan.FromHours(1))
        {
            yield return $"{SectionName}:AntiEntropyInterval must be between 00:00:00.1 and 01:00:00 (got {AntiEntropyInterval}).";
        }

        if (TombstoneGrace <= HintTtl || TombstoneGrace < 2 * AntiEntropyInterval)
        {
            yield return $"{SectionName}:TombstoneGrace must exceed HintTtl ({HintTtl}) and twice AntiEntropyInterval ({AntiEntropyInterval}) (got {TombstoneGrace}).";
        }

        if (HintTtl < TimeSpan.FromSeconds(1) || HintTtl > TimeSpan.FromDays(7))
        {
            yield return $"{SectionName}:HintTtl must be between 00:00:01 and 7.00:00:00 (got {HintTtl}).";
        }

        if (MaxHints is < 0 or > 10_000_000)
        {
            yield return $"{SectionName}:MaxHints must be between 0 and 10000000 (got {MaxHints}).";
        }

        if (MaxPendingOutgoing is < 1 or > 10_000_000)
        {
            yield return $"{SectionName}:MaxPendingOutgoing must be between 1 and 10000000 (got {MaxPendingOutgoing}).";
        }

        if (FlushInterval < TimeSpan.FromMilliseconds(10) || FlushInterval > TimeSpan.FromMinutes(1))
        {
            yield return $"{SectionName}:FlushInterval must be between 00:00:00.01 and 00:01:00 (got {FlushInterval}).";
        }

        if (CopyWait < TimeSpan.Zero || CopyWait > TimeSpan.FromSeconds(30))
        {
            yield return $"{SectionName}:CopyWait must be between 00:00:00 and 00:00:30 (got {CopyWait}).";
        }

        if (DirectoryLease < TimeSpan.Zero || DirectoryLease > TimeSpan.FromMinutes(10))
        {
            yield return $"{SectionName}:DirectoryLease must be between 00:00:00 and 00:10:00 (got {DirectoryLease}).";
        }

        if (TickInterval < TimeSpan.FromMilliseconds(5) || TickInterval > TimeSpan.FromSeconds(1))
        {
            yield return $"{SectionName}:TickInterval must be between 00:00:00.005 and 00:00:01 (got {TickInterval}).";
        }

        if (ElectionTicks is < 3 or > 1000)
        {
            yield return $"{SectionName}:ElectionTicks must be between 3 and 1000 (got {ElectionTicks}).";
        }

        if (HeartbeatTicks < 1 || HeartbeatTicks * 2 > ElectionTicks)
        {
            yield return $"{SectionName}:HeartbeatTicks must be at least 1 and at most half of ElectionTicks ({ElectionTicks}) (got {HeartbeatTicks}).";
        }

        foreach (var (name, value) in new[] { (nameof(WriteTimeout), WriteTimeout), (nameof(AttemptTimeout), AttemptTimeout), (nameof(MaxSessionWait), MaxSessionWait) })
        {
            if (value < TimeSpan.FromMilliseconds(100) || value > TimeSpan.FromMinutes(5))
            {
                yield return $"{SectionName}:{name} must be between 00:00:00.1 and 00:05:00 (got {value}).";
            }
        }

        if (SessionWait < TimeSpan.Zero || SessionWait > MaxSessionWait)
        {
            yield return $"{SectionName}:SessionWait must be between 00:00:00 and MaxSessionWait ({MaxSessionWait}) (got {SessionWait}).";
        }

        if (SnapshotEntries is < 10 or > 10_000_000)
        {
            yield return $"{SectionName}:SnapshotEntries must be between 10 and 10000000 (got {SnapshotEntries}).";
        }

        if (DedupWindow < TimeSpan.FromSeconds(1) || DedupWindow > TimeSpan.FromHours(1))
        {
            yield return $"{SectionName}:DedupWindow must be between 00:00:01 and 01:00:00 (got {DedupWindow}).";
        }

        if (SystemReplicas is < ReplicationSettings.MinReplicas or > ReplicationSettings.MaxReplicas)
        {
            yield return $"{SectionName}:SystemReplicas must be between 1 and 7 (got {SystemReplicas}).";
        }

        if (RebalanceInterval < TimeSpan.FromSeconds(1) || RebalanceInterval > TimeSpan.FromHours(1))
        {
            yield return $"{SectionName}:RebalanceInterval must be between 00:00:01 and 01:00:00 (got {RebalanceInterval}).";
        }
    }
}
