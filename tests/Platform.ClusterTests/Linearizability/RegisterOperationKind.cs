namespace Platform.ClusterTests.Linearizability;

public enum RegisterOperationKind
{
    Read,
    Write,

    /// <summary>Compare-and-set on the version (an HTTP <c>If-Match</c> write).</summary>
    Cas,
}
