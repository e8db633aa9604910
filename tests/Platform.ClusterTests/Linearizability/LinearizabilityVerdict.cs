namespace Platform.ClusterTests.Linearizability;

public enum LinearizabilityVerdict
{
    /// <summary>A linearization exists.</summary>
    Linearizable,

    /// <summary>No order of the operations consistent with real time satisfies the model.</summary>
    NotLinearizable,

    /// <summary>The search hit its step budget before deciding.</summary>
    Unknown,
}
