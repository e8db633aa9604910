using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Platform.Client.Host.Api;

/// <summary>
/// Reads a <see cref="JsonElement"/> of a request body (a transaction's <c>value</c>) only when every string and
/// property name in it decodes: <see cref="JsonElement"/> defers decoding, so a lone surrogate (<c>"a\ud800b"</c>)
/// or invalid UTF-8 would otherwise surface later as an <see cref="InvalidOperationException"/> (a 500). Here it is
/// a <see cref="JsonException"/> at the element's path, which the exception handler answers 400 naming the field,
/// as the serializer already does for <see cref="string"/> members. Duplicate members are left to the default
/// converter (<see cref="JsonSerializerOptions.AllowDuplicateProperties"/>).
/// </summary>
internal sealed class StrictJsonElementConverter : JsonConverter<JsonElement>
{
    public override JsonElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var probe = reader;
        CheckString(ref probe);
        if (probe.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            var depth = probe.CurrentDepth;
            while (probe.Read() && probe.CurrentDepth > depth)
            {
                CheckString(ref probe);
            }
        }

        return JsonMetadataServices.JsonElementConverter.Read(ref reader, typeToConvert, options);
    }

    public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options) =>
        JsonMetadataServices.JsonElementConverter.Write(writer, value, options);

    private static void CheckString(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
        {
            return;
        }

        try
        {
            _ = reader.GetString();
        }
        catch (InvalidOperationException ex)
        {
            throw new JsonException($"The JSON string is not valid Unicode: {ex.Message}", ex);
        }
    }
}
