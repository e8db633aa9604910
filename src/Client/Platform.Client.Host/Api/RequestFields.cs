using Platform.Errors;

namespace Platform.Client.Host.Api;

/// <summary>
/// Presence of a JSON body's number fields, which only HTTP can leave out (a .NET caller always passes them); every
/// other check of a request is the typed client's.
/// </summary>
internal static class RequestFields
{
    public static T Required<T>(T? value, string field)
        where T : struct =>
        value ?? throw new PlatformValidationException(field, "is required");
}
