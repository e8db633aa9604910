using System.Globalization;
using Platform.Errors;
using Platform.KeyValue;

namespace Platform.Client.Host.Api;

/// <summary>The <c>Platform-Fence: {lockName}:{token}</c> header of fenced writes.</summary>
internal static class Fences
{
    public const string Header = "Platform-Fence";

    public static KeyValueFence? Parse(HttpRequest request)
    {
        var value = request.Headers[Header].ToString();
        if (value.Length == 0)
        {
            return null;
        }

        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !long.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var token) || token < 1)
        {
            throw new PlatformValidationException(Header, $"must be {{lockName}}:{{token}} with a positive token (got '{value}')");
        }

        return new KeyValueFence(value[..colon], token);
    }
}
