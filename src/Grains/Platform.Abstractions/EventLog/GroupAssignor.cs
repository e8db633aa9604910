namespace Platform.EventLog;

/// <summary>How a consumer group spreads partitions over its members.</summary>
[GenerateSerializer, Alias("Platform.EventLog.GroupAssignor")]
public enum GroupAssignor
{
    /// <summary>Per topic, contiguous ranges of partitions to members in member-id order.</summary>
    Range = 0,

    /// <summary>All partitions, in topic and partition order, dealt to members in turn.</summary>
    RoundRobin = 1,

    /// <summary>Balanced like round-robin, keeping every partition where it was when it need not move.</summary>
    Sticky = 2,
}
