using System.Globalization;
using Platform.Errors;
using Platform.KeyValue;

namespace Platform.Client.Host.Api;

/// <summary>The <c>Platform-Fence: {lockName}:{token}</c> (or <c>election/{name}:{term}</c>) header of fenced writes.</summary>
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
            throw new PlatformValidationException(Header, $"must be {{lockName}}:{{token}} or election/{{name}}:{{term}} with a positive token (got '{value}')");
        }

        if (KeyValueFence.CheckName(value[..colon]) is { } error)
        {
            throw new PlatformValidationException(Header, error);
        }

        return new KeyValueFence(value[..colon], token);
    }
}
