using System.Text.Json;

namespace Platform.Testing.Http;

/// <summary>The API's JSON conventions as a client reads and writes them: camelCase, enums as camelCase strings.</summary>
public static class PlatformApiJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>A request body: a string is sent as it is (raw JSON), anything else is serialized.</summary>
    public static byte[] Body(object body) => body switch
    {
        string text => System.Text.Encoding.UTF8.GetBytes(text),
        byte[] bytes => bytes,
        _ => JsonSerializer.SerializeToUtf8Bytes(body, Options),
    };
}
