using Microsoft.AspNetCore.Routing.Patterns;
using Platform.Errors;
using Platform.Validation;

namespace Platform.Client.Host.Api;

/// <summary>
/// Runs after routing has chosen an endpoint and before it runs, for every request (matched or not):
/// <list type="bullet">
/// <item>reads the request target once (<see cref="ApiPath"/>), refusing a malformed one with 400, and sets each
/// route parameter that is a whole segment (<c>{ns}</c>, <c>{name}</c>, <c>{**key}</c>) to that reading, so
/// handlers bind the one decision: a dot segment never moves a write into another namespace, <c>/V1/KV/...</c> and
/// <c>/v1/kv/...</c> name the same key, and <c>%25FF</c> (the key <c>%FF</c>) is not <c>%FF</c> (refused);</item>
/// <item>checks the query string the same way (<see cref="ApiPath.CheckQuery"/>);</item>
/// <item>checks a <c>Content-Type</c>, when there is one, against <see cref="MediaTypeRules"/>: sent once and valid,
/// so a JSON route does not read <c>application/json; charset</c> as JSON and a stored media type can always be
/// sent back.</item>
/// </list>
/// </summary>
internal sealed class StrictRequestMiddleware(RequestDelegate next)
{
    private const string ContentType = "Content-Type";

    public Task InvokeAsync(HttpContext context)
    {
        var path = ApiPath.Of(context);
        ApiPath.CheckQuery(context.Request.QueryString.Value);
        CheckContentType(context.Request);
        if (context.GetEndpoint() is RouteEndpoint endpoint)
        {
            var segments = endpoint.RoutePattern.PathSegments;
            for (var i = 0; i < segments.Count; i++)
            {
                if (segments[i].Parts is [RoutePatternParameterPart parameter] && path.From(i, parameter.IsCatchAll) is { } value)
                {
                    context.Request.RouteValues[parameter.Name] = value;
                }
            }
        }

        return next(context);
    }

    private static void CheckContentType(HttpRequest request)
    {
        var values = request.Headers.ContentType;
        if (values.Count == 0)
        {
            return;
        }

        if (values.Count > 1)
        {
            throw new PlatformValidationException(ContentType, $"must be sent once (got {values.Count} headers)");
        }

        if (MediaTypeRules.Check(values[0]) is { } error)
        {
            throw new PlatformValidationException(ContentType, error);
        }
    }
}
