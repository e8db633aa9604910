using System.Globalization;
using Platform.Errors;
using Platform.KeyValue;
using Platform.Validation;

namespace Platform.Client.Host.Api;

/// <summary>The <c>Platform-Fence: {lockName}:{token}</c> header of fenced writes.</summary>
internal static class Fences
{
    public const string Header = "Platform-Fence";

    public static KeyValueFence? Parse(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !long.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var token) || token < 1)
        {
            throw new PlatformValidationException(Header, $"must be {{lockName}}:{{token}} with a positive token (got '{value}')");
        }

        if (NameRules.CheckName(value[..colon]) is { } error)
        {
            throw new PlatformValidationException(Header, $"names a lock that {error}");
        }

        return new KeyValueFence(value[..colon], token);
    }
}
