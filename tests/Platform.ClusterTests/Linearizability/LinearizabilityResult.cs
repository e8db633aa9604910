namespace Platform.ClusterTests.Linearizability;

/// <summary>
/// The checker's answer. When not linearizable, <see cref="Explanation"/> names the deepest linearizable prefix the
/// search found and the operation(s) that could not follow it, to make a failing test readable.
/// </summary>
public sealed record LinearizabilityResult(LinearizabilityVerdict Verdict, int Operations, long Steps, string Explanation)
{
    public bool IsLinearizable => Verdict == LinearizabilityVerdict.Linearizable;

    public override string ToString() => $"{Verdict} ({Operations} operations, {Steps} search steps){(Explanation.Length > 0 ? ": " + Explanation : "")}";
}
