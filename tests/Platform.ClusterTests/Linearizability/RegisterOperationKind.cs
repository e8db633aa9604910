namespace Platform.ClusterTests.Linearizability;

public enum RegisterOperationKind
{
    Read,
    Write,

    /// <summary>Compare-and-set on the version (an HTTP <c>If-Match</c> write).</summary>
    Cas,

    /// <summary>
    /// Compare-and-set on the value: applies when the register holds <see cref="RegisterInput.ExpectedValue"/>
    /// (etcd's compare-and-swap as Jepsen's etcd register test uses it).
    /// </summary>
    CasValue,
}
