namespace Platform.ClusterTests.Linearizability;

/// <summary>
/// A sequential specification for <see cref="LinearizabilityChecker"/>: the start state and one step. States are
/// compared with <see cref="EqualityComparer{T}.Default"/> for memoisation, so make them immutable values (records).
/// </summary>
public interface ILinearizabilityModel<TState, TInput, TOutput>
{
    TState Init();

    /// <summary>
    /// Applies <paramref name="input"/> to <paramref name="state"/>. Returns false when the operation could not have
    /// returned <paramref name="output"/> from that state. <paramref name="output"/> is default (null) for an
    /// operation whose outcome is unknown (<c>info</c>): accept it whenever the input can apply.
    /// </summary>
    bool Step(TState state, TInput input, TOutput? output, out TState next);
}
