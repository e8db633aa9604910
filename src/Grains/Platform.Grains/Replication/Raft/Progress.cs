namespace Platform.Replication.Raft;

/// <summary>A leader's view of one member's log.</summary>
public sealed class Progress(long next)
{
    /// <summary>The highest index known to match the leader's log on that member.</summary>
    public long Match { get; internal set; }

    /// <summary>The next index to send.</summary>
    public long Next { get; internal set; } = next;

    public ProgressState State { get; internal set; }

    /// <summary>Heard from since the last check-quorum round.</summary>
    public bool RecentActive { get; internal set; }

    /// <summary>Heard from since the last heartbeat (an unanswered stream is resent).</summary>
    internal bool AckedSinceHeartbeat { get; set; }

    internal bool ProbeSent { get; set; }

    internal int Inflight { get; set; }

    /// <summary>
    /// Snapshot state: the snapshot being sent (kept until the member has it, even when the leader compacts again
    /// meanwhile, so a slow transfer is never restarted from scratch), and the next byte to send.
    /// </summary>
    internal RaftSnapshot? Sending { get; set; }

    internal long SnapshotIndex => Sending?.Meta.Index ?? 0;

    internal long SnapshotOffset { get; set; }

    /// <summary>The commit index last sent to the member.</summary>
    internal long SentCommit { get; set; }

    internal void BecomeProbe()
    {
        State = ProgressState.Probe;
        Next = Match + 1;
        Inflight = 0;
        ProbeSent = false;
    }

    internal void BecomeReplicate()
    {
        State = ProgressState.Replicate;
        Next = Match + 1;
        Inflight = 0;
    }
}
