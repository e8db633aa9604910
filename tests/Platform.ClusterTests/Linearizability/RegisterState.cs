namespace Platform.ClusterTests.Linearizability;

/// <summary>A versioned register: its value (null = absent) and version (0 = never written; +1 per write).</summary>
public sealed record RegisterState(long? Value, long Version)
{
    public override string ToString() => $"(value {Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, v{Version})";
}
