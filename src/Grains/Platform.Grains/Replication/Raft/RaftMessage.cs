namespace Platform.Replication.Raft;

/// <summary>
/// One message between two members of a group. Every message names sender and receiver by member (slot and
/// incarnation) and carries the sender's term; the fields used depend on <see cref="Kind"/>.
/// </summary>
public sealed record RaftMessage
{
    public required MessageKind Kind { get; init; }

    public required MemberId From { get; init; }

    public required MemberId To { get; init; }

    public required long Term { get; init; }

    /// <summary>PreVote, Vote: the candidate's last log index and term.</summary>
    public long LastLogIndex { get; init; }

    public long LastLogTerm { get; init; }

    /// <summary>Vote: sent by a leadership transfer (TimeoutNow), so voters grant it despite a live leader.</summary>
    public bool Transfer { get; init; }

    /// <summary>PreVoteResponse, VoteResponse: the vote was granted.</summary>
    public bool Granted { get; init; }

    /// <summary>Append: the entry before <see cref="Entries"/> (log matching).</summary>
    public long PrevIndex { get; init; }

    public long PrevTerm { get; init; }

    public IReadOnlyList<LogEntry> Entries { get; init; } = [];

    /// <summary>Append, Snapshot: the leader's commit index.</summary>
    public long Commit { get; init; }

    /// <summary>Append and its response: the leader's read round this message belongs to (ReadIndex), 0 for none.</summary>
    public long ReadContext { get; init; }

    /// <summary>AppendResponse, SnapshotResponse: accepted.</summary>
    public bool Success { get; init; }

    /// <summary>AppendResponse (success), SnapshotResponse (done): the last index the follower now has matching the leader.</summary>
    public long MatchIndex { get; init; }

    /// <summary>AppendResponse (rejected): the PrevIndex that did not match, and the follower's hint where to try next.</summary>
    public long RejectedIndex { get; init; }

    public long RejectHint { get; init; }

    /// <summary>Snapshot: what the snapshot replaces, the byte offset of <see cref="Chunk"/>, and whether it is the last chunk.</summary>
    public RaftSnapshotMeta? SnapshotMeta { get; init; }

    public long Offset { get; init; }

    public byte[] Chunk { get; init; } = [];

    public bool Done { get; init; }

    public override string ToString() => Kind switch
    {
        MessageKind.Append => $"{Kind} {From}->{To} t{Term} prev {PrevIndex}/{PrevTerm} n={Entries.Count} c{Commit} rc{ReadContext}",
        MessageKind.AppendResponse => $"{Kind} {From}->{To} t{Term} {(Success ? "ok " + MatchIndex : "reject " + RejectedIndex + " hint " + RejectHint)} rc{ReadContext}",
        MessageKind.Snapshot => $"{Kind} {From}->{To} t{Term} @{SnapshotMeta?.Index} off {Offset} len {Chunk.Length}{(Done ? " done" : "")}",
        MessageKind.SnapshotResponse => $"{Kind} {From}->{To} t{Term} {(Success ? "ok " + MatchIndex : "next " + Offset)}",
        _ => $"{Kind} {From}->{To} t{Term} last {LastLogIndex}/{LastLogTerm}{(Granted ? " granted" : "")}{(Transfer ? " transfer" : "")}",
    };
}
