namespace Platform.Client.Host.Api;

/// <summary>Declares the problem answers of routes, so <c>/openapi/v1.json</c> lists each with <c>application/problem+json</c>.</summary>
internal static class ProblemResponses
{
    /// <summary>The answers every <c>/v1</c> route can give: 429 (rate limited) and 503 (the cluster cannot serve now).</summary>
    public static RouteGroupBuilder ProducesCommonProblems(this RouteGroupBuilder group) =>
        group.ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    /// <summary>The answers this route can give beyond the common ones (400, 404, 409, 412, 413, 415 as it applies).</summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder route, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            route.ProducesProblem(status);
        }

        return route;
    }
}
