namespace Platform.ClusterTests.Linearizability;

/// <summary>
/// The sequential specification of one key: a register with read, write and compare-and-set on its version
/// (Platform's ETag semantics: every applied write bumps the version by one).
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
                    || (output.Ok && output.Value == state.Value && (output.Version is null || output.Version == state.Version));

            case RegisterOperationKind.Write:
                next = new RegisterState(input.Value, state.Version + 1);
                return output is null || (output.Ok && (output.Version is null || output.Version == next.Version));

            default:
                if (state.Version != input.ExpectedVersion)
                {
                    next = state;
                    return output is null || !output.Ok;
                }

                next = new RegisterState(input.Value, state.Version + 1);
                return output is null || (output.Ok && (output.Version is null || output.Version == next.Version));
        }
    }
}
