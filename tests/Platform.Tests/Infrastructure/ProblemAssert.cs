using System.Net;
using Platform.Testing.Http;

namespace Platform.Tests.Infrastructure;

/// <summary>Asserts that an answer is RFC 9457 ProblemDetails with the given status.</summary>
public static class ProblemAssert
{
    public static ApiProblem IsProblem(ApiResponse response, HttpStatusCode status)
    {
        ArgumentNullException.ThrowIfNull(response);
        Assert.True(status == response.StatusCode, $"Expected {(int)status}: {response}");
        Assert.True(response.ContentType?.StartsWith("application/problem+json", StringComparison.Ordinal) == true, $"Not a problem answer ({response.ContentType}): {response}");
        var problem = response.Problem;
        Assert.True(problem is { IsComplete: true }, $"Incomplete problem (type, title, status, traceId): {response.Text}");
        Assert.Equal((int)status, problem.Status);
        return problem;
    }

    public static async Task<ApiProblem> IsProblem(Task<ApiResponse> response, HttpStatusCode status) => IsProblem(await response, status);

    public static async Task<ApiProblem> IsProblem<T>(Task<ApiResponse<T>> response, HttpStatusCode status)
        where T : class => IsProblem(await response, status);
}
