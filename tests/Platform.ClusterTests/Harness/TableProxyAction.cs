namespace Platform.ClusterTests.Harness;

/// <summary>What <see cref="TableStorageProxy"/> does with one entity-group batch of the silo behind it.</summary>
public enum TableProxyAction
{
    /// <summary>Pass it on and relay the answer, as if the proxy were not there.</summary>
    Forward,

    /// <summary>
    /// Pass it on, wait until storage answered (the write is durable or refused), relay nothing, then cut: from the
    /// decision on, no request of the silo reaches storage and no answer reaches the silo.
    /// </summary>
    ForwardThenCut,

    /// <summary>Never pass it on, then cut as above: storage never sees this write.</summary>
    HoldThenCut,
}
