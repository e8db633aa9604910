using Microsoft.AspNetCore.Mvc;

namespace Platform.Client.Host.Api;

/// <summary>Writes RFC 9457 problem answers through the host's <see cref="IProblemDetailsService"/> (which adds traceId).</summary>
internal static class Problems
{
    public static async ValueTask WriteAsync(HttpContext context, int status, string detail, IDictionary<string, object?>? extensions = null, int? retryAfterSeconds = null)
    {
        context.Response.StatusCode = status;
        if (retryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var problem = new ProblemDetails { Status = status, Title = ProblemTypes.Title(status), Type = ProblemTypes.For(status), Detail = detail };
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>())
        {
            problem.Extensions[key] = value;
        }

        var service = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await service.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }
}
