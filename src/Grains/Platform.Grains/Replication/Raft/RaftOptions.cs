namespace Platform.Replication.Raft;

/// <summary>A node's timing and batching, in ticks of the host's timer.</summary>
public sealed record RaftOptions
{
    /// <summary>
    /// Ticks without hearing from a leader before a voter starts an election; each election waits a random
    /// number of ticks in [ElectionTicks, 2 x ElectionTicks). A leader that heard from no quorum for this long steps down.
    /// </summary>
    public int ElectionTicks { get; init; } = 10;

    /// <summary>Ticks between a leader's heartbeats. Must be well under <see cref="ElectionTicks"/>.</summary>
    public int HeartbeatTicks { get; init; } = 2;

    /// <summary>Most entries in one Append message.</summary>
    public int MaxEntriesPerMessage { get; init; } = 256;

    /// <summary>About the most entry bytes in one Append message (at least one entry is always sent).</summary>
    public long MaxBytesPerMessage { get; init; } = 1024 * 1024;

    /// <summary>Append messages a leader keeps in flight to one follower before it waits for an answer.</summary>
    public int MaxInflight { get; init; } = 64;

    /// <summary>Bytes of snapshot in one InstallSnapshot message.</summary>
    public int SnapshotChunkBytes { get; init; } = 512 * 1024;

    /// <summary>Pre-vote (Raft thesis 9.6): a candidate first asks whether it could win, so a rejoining node does not depose a healthy leader.</summary>
    public bool PreVote { get; init; } = true;

    /// <summary>
    /// Check quorum: a leader that did not hear from a quorum within an election timeout steps down, and a voter
    /// that heard from a leader within one ignores vote requests (leader stickiness).
    /// </summary>
    public bool CheckQuorum { get; init; } = true;

    /// <summary>Test only: deliberate bugs, so that the randomized simulation can show it catches them.</summary>
    internal RaftFaults Faults { get; init; }

    public IEnumerable<string> Validate()
    {
        if (ElectionTicks < 2)
        {
            yield return $"ElectionTicks must be at least 2 (got {ElectionTicks}).";
        }

        if (HeartbeatTicks < 1 || HeartbeatTicks >= ElectionTicks)
        {
            yield return $"HeartbeatTicks must be at least 1 and below ElectionTicks ({ElectionTicks}) (got {HeartbeatTicks}).";
        }

        if (MaxEntriesPerMessage < 1 || MaxInflight < 1 || MaxBytesPerMessage < 1 || SnapshotChunkBytes < 1)
        {
            yield return "MaxEntriesPerMessage, MaxInflight, MaxBytesPerMessage and SnapshotChunkBytes must be positive.";
        }
    }
}

/// <summary>Deliberate bugs for mutation tests of the simulation (never set outside tests).</summary>
[Flags]
internal enum RaftFaults
{
    None = 0,

    /// <summary>Grant votes without checking that the candidate's log is at least as up to date.</summary>
    VoteWithoutLogCheck = 1,

    /// <summary>Treat a member as a voter by its slot alone, so a new incarnation (a learner that forgot its vote) votes.</summary>
    LearnerVotes = 2,
}
