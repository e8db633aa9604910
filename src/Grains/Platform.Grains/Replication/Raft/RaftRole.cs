namespace Platform.Replication.Raft;

/// <summary>What a node currently does in its group.</summary>
public enum RaftRole
{
    /// <summary>Follows a leader (or waits for one); a learner is a follower that is no voter.</summary>
    Follower = 0,

    /// <summary>Asks whether it could win an election (pre-vote) without raising its term.</summary>
    PreCandidate = 1,

    /// <summary>Raised its term and asks for votes.</summary>
    Candidate = 2,

    /// <summary>Leads its term: appends, replicates and commits entries.</summary>
    Leader = 3,
}
