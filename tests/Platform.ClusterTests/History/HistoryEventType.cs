namespace Platform.ClusterTests.History;

/// <summary>Jepsen's event types.</summary>
public enum HistoryEventType
{
    /// <summary>The client started the operation.</summary>
    Invoke,

    /// <summary>It completed and the result is known (a failed precondition is a known result too).</summary>
    Ok,

    /// <summary>It definitely did not take effect (e.g. rejected as invalid before reaching storage).</summary>
    Fail,

    /// <summary>Outcome unknown (timeout, connection lost, 503): it may or may not have taken effect.</summary>
    Info,
}
