using System.Globalization;
using Platform.ClusterTests.Linearizability;
using Platform.Testing.Http;

namespace Platform.ClusterTests.History;

/// <summary>
/// Turns key-value answers into register outcomes for the linearizability checker: a known
/// <see cref="RegisterOutput"/>, null for an unknown outcome (<see cref="ApiOutcome.IsUnknown"/>), or an
/// <see cref="UnexpectedAnswerException"/> for a definite wrong answer. A 404 on a read is a read of "absent"; a
/// 200 must carry a decimal value and an ETag version; a write's 200/201 must carry its new version.
/// </summary>
public static class RegisterOutcomes
{
    /// <summary>A <c>GET</c>: 200 value and version, 404 absent, unknown, or throws.</summary>
    public static RegisterOutput? Read(ApiResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (ApiOutcome.IsUnknown(response))
        {
            return null;
        }

        switch (response.Status)
        {
            case 200 when response.Version is { } version && long.TryParse(response.TextOrNull, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value):
                return RegisterOutput.ReadValue(value, version);
            case 200:
                throw ApiOutcome.Unexpected(response, "read", "a 200 without a decimal value and a strong ETag");
            case 404:
                return RegisterOutput.ReadValue(null);
            default:
                throw ApiOutcome.Unexpected(response, "read", "a read answers 200, 404 or (unknown) 502/503/504/no answer");
        }
    }

    /// <summary>An unconditional <c>PUT</c>: 200/201 with the new version, unknown, or throws.</summary>
    public static RegisterOutput? Write(ApiResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (ApiOutcome.IsUnknown(response))
        {
            return null;
        }

        return response.Status switch
        {
            200 or 201 when response.Version is { } version => RegisterOutput.Written(version),
            200 or 201 => throw ApiOutcome.Unexpected(response, "write", "a success without a strong ETag"),
            _ => throw ApiOutcome.Unexpected(response, "write", "an unconditional write answers 200/201 or (unknown) 502/503/504/no answer"),
        };
    }

    /// <summary>
    /// A <c>PUT If-Match</c>: 200 with the new version, 412 with the <c>currentVersion</c> it names (absent from the
    /// problem: not recorded), unknown, or throws (a 201 would mean an If-Match write created the key).
    /// </summary>
    public static RegisterOutput? CompareAndSet(ApiResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (ApiOutcome.IsUnknown(response))
        {
            return null;
        }

        return response.Status switch
        {
            200 when response.Version is { } version => RegisterOutput.Written(version),
            200 => throw ApiOutcome.Unexpected(response, "compare-and-set", "a success without a strong ETag"),
            412 when response.Problem is { } problem => RegisterOutput.PreconditionFailed(problem.CurrentVersion),
            412 => throw ApiOutcome.Unexpected(response, "compare-and-set", "a 412 that is not problem+json"),
            _ => throw ApiOutcome.Unexpected(response, "compare-and-set", "an If-Match write answers 200, 412 or (unknown) 502/503/504/no answer"),
        };
    }
}
