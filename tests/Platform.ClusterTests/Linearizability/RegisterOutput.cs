using System.Globalization;
using System.Text.Json;

namespace Platform.ClusterTests.Linearizability;

/// <summary>
/// What a completed register operation returned. Read: the value seen (null = absent) and, if known, its version.
/// Write: the new version if known. Cas: whether it applied (false = precondition failed, HTTP 412) and the version if
/// known: the new one when it applied, the 412's <c>currentVersion</c> when it did not.
/// </summary>
public sealed record RegisterOutput(bool Ok, long? Value = null, long? Version = null)
{
    public static RegisterOutput ReadValue(long? value, long? version = null) => new(true, value, version);

    public static RegisterOutput Written(long? version = null) => new(true, null, version);

    /// <summary>A failed precondition whose current version was not recorded.</summary>
    public static RegisterOutput CasFailed { get; } = new(false);

    /// <summary>A 412: the write did not apply because the register was at <paramref name="currentVersion"/>.</summary>
    public static RegisterOutput PreconditionFailed(long? currentVersion) => new(false, null, currentVersion);

    /// <summary>
    /// A 412 from its ProblemDetails body (<c>{"currentVersion": n, ...}</c>, see docs/api.md); the version stays
    /// unknown when the body does not carry it.
    /// </summary>
    public static RegisterOutput PreconditionFailedFromProblem(string? problemJson)
    {
        if (string.IsNullOrEmpty(problemJson))
        {
            return CasFailed;
        }

        try
        {
            using var doc = JsonDocument.Parse(problemJson);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("currentVersion", out var v)
                && v.TryGetInt64(out var version)
                ? PreconditionFailed(version)
                : CasFailed;
        }
        catch (JsonException)
        {
            return CasFailed;
        }
    }

    public override string ToString() =>
        !Ok ? $"precondition failed{(Version is { } current ? " at v" + current.ToString(CultureInfo.InvariantCulture) : "")}"
        : $"{(Value is { } v ? v.ToString(CultureInfo.InvariantCulture) : "ok")}{(Version is { } ver ? " v" + ver.ToString(CultureInfo.InvariantCulture) : "")}";
}
