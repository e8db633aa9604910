namespace Platform.ClusterTests.Linearizability;

/// <summary>
/// The sequential specification of one key: a register with read, write and compare-and-set on its version
/// (Platform's ETag semantics: every applied write bumps the version by one) or on its value (etcd's, for the
/// published Jepsen histories). Versions in an output are checked whenever they were recorded: a read's, a write's
/// new version, and the <c>currentVersion</c> a 412 reports.
/// </summary>
public sealed class RegisterModel : ILinearizabilityModel<RegisterState, RegisterInput, RegisterOutput>
{
    public static RegisterModel Instance { get; } = new();

    /// <param name="initial">The register before the history starts; default absent (version 0).</param>
    public RegisterModel(RegisterState? initial = null) => Initial = initial ?? new RegisterState(null, 0);

    public RegisterState Initial { get; }

    public RegisterState Init() => Initial;

    public bool Step(RegisterState state, RegisterInput input, RegisterOutput? output, out RegisterState next)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(input);
        switch (input.Kind)
        {
            case RegisterOperationKind.Read:
                next = state;
                return output is null
                    || (output.Ok && output.Value == state.Value && VersionMatches(output, state.Version));

            case RegisterOperationKind.Write:
                return Applied(state, input, output, out next);

            case RegisterOperationKind.Cas:
                return state.Version == input.ExpectedVersion
                    ? Applied(state, input, output, out next)
                    : NotApplied(state, output, out next);

            case RegisterOperationKind.CasValue:
                return state.Value is { } current && current == input.ExpectedValue
                    ? Applied(state, input, output, out next)
                    : NotApplied(state, output, out next);

            default:
                throw new ArgumentOutOfRangeException(nameof(input), input.Kind, "Unknown register operation.");
        }
    }

    private static bool Applied(RegisterState state, RegisterInput input, RegisterOutput? output, out RegisterState next)
    {
        next = new RegisterState(input.Value, state.Version + 1);
        return output is null || (output.Ok && VersionMatches(output, next.Version));
    }

    // An unknown outcome that could not apply is a no-op; a known one must say so, with the version it saw if recorded.
    private static bool NotApplied(RegisterState state, RegisterOutput? output, out RegisterState next)
    {
        next = state;
        return output is null || (!output.Ok && VersionMatches(output, state.Version));
    }

    private static bool VersionMatches(RegisterOutput output, long version) => output.Version is null || output.Version == version;
}
