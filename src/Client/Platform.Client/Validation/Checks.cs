using Platform.Errors;

namespace Platform.Validation;

/// <summary>
/// The typed client's input checks, each written once and used by every block (and so by the HTTP host, which
/// calls the typed client): names, keys, page sizes, list lengths, required text. Each throws
/// <see cref="PlatformValidationException"/> naming the field.
/// </summary>
internal static class Checks
{
    /// <summary>A namespace, lock, semaphore or election name (<see cref="NameRules.CheckName"/>).</summary>
    public static void Name(string? name, string field)
    {
        if (NameRules.CheckName(name) is { } error)
        {
            throw new PlatformValidationException(field, error);
        }
    }

    /// <summary>A key (<see cref="NameRules.CheckKey"/>) of at most <paramref name="maxBytes"/> UTF-8 bytes.</summary>
    public static void Key(string? key, int maxBytes, string field = "key")
    {
        if (NameRules.CheckKey(key, maxBytes) is { } error)
        {
            throw new PlatformValidationException(field, error);
        }
    }

    /// <summary>A media type stored with a value (<see cref="MediaTypeRules.Check"/>), when one is given.</summary>
    public static void MediaType(string? mediaType, string field)
    {
        if (mediaType is not null && MediaTypeRules.Check(mediaType) is { } error)
        {
            throw new PlatformValidationException(field, error);
        }
    }

    /// <summary>A page size: <paramref name="limit"/>, or <paramref name="defaultLimit"/> when null, within 1..<paramref name="maxLimit"/>.</summary>
    public static int PageSize(int? limit, int defaultLimit, int maxLimit)
    {
        var size = limit ?? defaultLimit;
        if (size < 1 || size > maxLimit)
        {
            throw new PlatformValidationException("limit", $"must be between 1 and {maxLimit} (got {size})");
        }

        return size;
    }

    /// <summary>A list of at most <paramref name="max"/> entries; <paramref name="setting"/> names the configured limit.</summary>
    public static void Count(string field, int count, int max, string setting)
    {
        if (count > max)
        {
            throw new PlatformValidationException(field, $"holds {count} entries; at most {max} are allowed ({setting})");
        }
    }

    /// <summary>Text that must be present and not blank; returns it.</summary>
    public static string Text(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? throw new PlatformValidationException(field, "must not be empty") : value;

    /// <summary>A duration in milliseconds that must not be negative; returns it.</summary>
    public static int NotNegative(int value, string field) =>
        value < 0 ? throw new PlatformValidationException(field, $"must not be negative (got {value})") : value;
}
