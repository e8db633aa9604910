using Platform.Testing.Http;

namespace Platform.ClusterTests.History;

/// <summary>
/// How a fault test's recorder reads an HTTP answer. Only a timeout, a connection failure (status 0), 502, 503 and
/// 504 leave the outcome unknown (Jepsen's <c>info</c>); a 500 is a bug by the API conventions and, like a malformed
/// 2xx or a status the operation cannot answer, fails the test at once (<see cref="UnexpectedAnswerException"/>).
/// </summary>
public static class ApiOutcome
{
    /// <summary>No answer, 502, 503 or 504: the operation may or may not have taken effect.</summary>
    public static bool IsUnknown(ApiResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Status is 0 or 502 or 503 or 504;
    }

    /// <summary>The exception a recorder throws for a definite wrong answer to <paramref name="operation"/>.</summary>
    public static UnexpectedAnswerException Unexpected(ApiResponse response, string operation, string why)
    {
        ArgumentNullException.ThrowIfNull(response);
        return new UnexpectedAnswerException($"{operation}: {why}: {response}") { Response = response };
    }
}
