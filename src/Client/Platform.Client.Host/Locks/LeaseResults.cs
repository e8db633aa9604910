using Platform.Client.Host.Api;
using Platform.Errors;
using Platform.Locks;
using Platform.Validation;

namespace Platform.Client.Host.Locks;

/// <summary>What locks, semaphores and elections share over HTTP: names, required fields, and refusals as 409/404 problems.</summary>
internal static class LeaseResults
{
    public static ILockGrain Grain(IGrainFactory grains, LeaseKind kind, string name)
    {
        if (NameRules.CheckName(name) is { } error)
        {
            throw new PlatformValidationException("name", error);
        }

        return grains.Grain(kind, name);
    }

    public static T Required<T>(T? value, string field)
        where T : struct =>
        value ?? throw new PlatformValidationException(field, "is required");

    public static string RequiredText(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? throw new PlatformValidationException(field, "must not be empty") : value;

    public static int WaitMs(int? waitMs) => waitMs switch
    {
        null => 0,
        < 0 => throw new PlatformValidationException("waitMs", $"must not be negative (got {waitMs})"),
        { } ms => ms,
    };

    /// <summary>200 with <paramref name="ok"/>'s body, or the refusal: 409 naming holders (owners, tokens, expiries), 404 for an unset semaphore.</summary>
    public static async Task<IResult> Answer(HttpContext context, LeaseResult result, Func<LeaseHolder, object?> ok)
    {
        switch (result.Status)
        {
            case LeaseStatus.Ok when result.Lease is { } lease:
                return ok(lease) is { } body ? TypedResults.Ok(body) : TypedResults.NoContent();
            case LeaseStatus.NotConfigured:
                await Problems.WriteAsync(context, StatusCodes.Status404NotFound, result.Detail ?? "Not configured.");
                return TypedResults.Empty;
            default:
                await Problems.WriteAsync(context, StatusCodes.Status409Conflict, result.Detail ?? "Conflict.", new Dictionary<string, object?>
                {
                    ["holders"] = result.Holders.Select(HolderResponse.From).ToList(),
                    ["queueLength"] = result.QueueLength,
                });
                return TypedResults.Empty;
        }
    }
}
