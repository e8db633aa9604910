using System.Globalization;

namespace Platform.ClusterTests.Linearizability;

/// <summary>
/// What a completed register operation returned. Read: the value seen (null = absent) and, if known, its version.
/// Write: the new version if known. Cas: whether it applied (false = precondition failed) and the new version if known.
/// </summary>
public sealed record RegisterOutput(bool Ok, long? Value = null, long? Version = null)
{
    public static RegisterOutput ReadValue(long? value, long? version = null) => new(true, value, version);

    public static RegisterOutput Written(long? version = null) => new(true, null, version);

    public static RegisterOutput CasFailed { get; } = new(false);

    public override string ToString() =>
        !Ok ? "precondition failed"
        : $"{(Value is { } v ? v.ToString(CultureInfo.InvariantCulture) : "ok")}{(Version is { } ver ? " v" + ver.ToString(CultureInfo.InvariantCulture) : "")}";
}
