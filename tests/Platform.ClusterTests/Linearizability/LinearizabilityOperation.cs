namespace Platform.ClusterTests.Linearizability;

/// <summary>
/// One operation as the checker sees it: when it was invoked and returned (any monotonic clock), what it asked and
/// what it got. An operation with an unknown outcome has <see cref="Return"/> = <see cref="long.MaxValue"/> and
/// <see cref="Output"/> = default: it may have taken effect at any point after its invocation, or never.
/// </summary>
public sealed record LinearizabilityOperation<TInput, TOutput>(int ClientId, long Call, long Return, TInput Input, TOutput? Output)
{
    public bool IsUnknown => Return == long.MaxValue;

    public static LinearizabilityOperation<TInput, TOutput> Unknown(int clientId, long call, TInput input) =>
        new(clientId, call, long.MaxValue, input, default);

    public override string ToString() =>
        $"client {ClientId} [{Call}, {(IsUnknown ? "∞" : Return.ToString(System.Globalization.CultureInfo.InvariantCulture))}] {Input} -> {(IsUnknown ? "?" : Output?.ToString())}";
}
