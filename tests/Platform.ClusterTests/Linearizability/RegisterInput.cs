using System.Globalization;

namespace Platform.ClusterTests.Linearizability;

/// <summary>
/// What a register operation asks: read, write a value, write a value if the version is still the expected one
/// (<see cref="RegisterOperationKind.Cas"/>), or write a value if the register still holds the expected value
/// (<see cref="RegisterOperationKind.CasValue"/>).
/// </summary>
public sealed record RegisterInput(RegisterOperationKind Kind, long? Value = null, long ExpectedVersion = 0, long? ExpectedValue = null)
{
    public static RegisterInput Read() => new(RegisterOperationKind.Read);

    public static RegisterInput Write(long value) => new(RegisterOperationKind.Write, value);

    public static RegisterInput Cas(long expectedVersion, long value) => new(RegisterOperationKind.Cas, value, expectedVersion);

    public static RegisterInput CasValue(long expectedValue, long value) => new(RegisterOperationKind.CasValue, value, ExpectedValue: expectedValue);

    public override string ToString() => Kind switch
    {
        RegisterOperationKind.Read => "read",
        RegisterOperationKind.Write => $"write {Value?.ToString(CultureInfo.InvariantCulture)}",
        RegisterOperationKind.CasValue => $"cas {ExpectedValue?.ToString(CultureInfo.InvariantCulture)} -> {Value?.ToString(CultureInfo.InvariantCulture)}",
        _ => $"cas v{ExpectedVersion.ToString(CultureInfo.InvariantCulture)} -> {Value?.ToString(CultureInfo.InvariantCulture)}",
    };
}
