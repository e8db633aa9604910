using System.Globalization;
using Microsoft.AspNetCore.Mvc;

namespace Platform.Client.Host.Api;

/// <summary>Writes RFC 9457 problem answers from <see cref="ProblemTable"/> through the host's <see cref="IProblemDetailsService"/> (which adds traceId).</summary>
internal static class Problems
{
    public static async ValueTask WriteAsync(HttpContext context, int status, string detail, IReadOnlyDictionary<string, object?>? extensions = null, TimeSpan? retryAfter = null)
    {
        var row = ProblemTable.For(status);
        context.Response.StatusCode = status;
        if ((retryAfter ?? row.RetryAfter) is { } wait)
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        var problem = new ProblemDetails { Status = status, Title = row.Title, Type = row.Type, Detail = detail };
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>())
        {
            problem.Extensions[key] = value;
        }

        var service = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await service.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }
}
