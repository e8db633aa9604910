namespace Platform.Bench.Load.Locks;

/// <summary>What a <c>locks</c> run measures.</summary>
internal enum LockScenario
{
    /// <summary>Each worker its own lock name: acquire (no wait) then release; one op = one pair.</summary>
    Uncontended,

    /// <summary>All workers on one name: acquire (waiting or retrying) then release at once; one op = one hand-over.</summary>
    Contended,

    /// <summary>HTTP PUT of a key without a fence (the baseline of <see cref="FencedPut"/>).</summary>
    Put,

    /// <summary>HTTP PUT of a key with <c>Platform-Fence</c> of a held lock.</summary>
    FencedPut,
}
