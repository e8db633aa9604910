using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Platform.Sagas;

/// <summary>
/// Templates of step fields: <c>{{sagaId}}</c>, <c>{{input.a.b}}</c> and <c>{{steps.name.output.a}}</c>, replaced by
/// the value's text (a JSON string unquoted; other values as JSON).
/// </summary>
public static partial class SagaTemplate
{
    [GeneratedRegex(@"\{\{\s*([^{}\s]+)\s*\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    /// <summary>The paths a template names, e.g. <c>input.orderId</c>.</summary>
    public static IEnumerable<string> References(string? template) =>
        template is null ? [] : Placeholder().Matches(template).Select(m => m.Groups[1].Value);

    /// <summary>Why <paramref name="path"/> cannot be resolved for a step that sees <paramref name="earlier"/>; null when it can.</summary>
    public static string? Check(string path, IReadOnlySet<string> earlier)
    {
        var parts = path.Split('.');
        return parts[0] switch
        {
            "sagaId" when parts.Length == 1 => null,
            "input" => null,
            "steps" when parts.Length < 3 || parts[2] != "output" => $"names '{path}': a step reference reads steps.<name>.output[.field]",
            "steps" when !earlier.Contains(parts[1]) => $"names unknown step '{parts[1]}' (only earlier steps can be named)",
            "steps" => null,
            _ => $"names unknown field '{parts[0]}' (use sagaId, input.* or steps.<name>.output.*)",
        };
    }

    /// <summary>Renders a template; <paramref name="escape"/> is applied to each inserted value.</summary>
    public static string Render(string template, string sagaId, JsonNode? input, IReadOnlyDictionary<string, string> outputs, Func<string, string> escape)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(escape);
        return Placeholder().Replace(template, m =>
        {
            var parts = m.Groups[1].Value.Split('.');
            JsonNode? node = parts[0] switch
            {
                "sagaId" => JsonValue.Create(sagaId),
                "input" => Walk(input, parts, 1),
                "steps" when parts.Length >= 3 && outputs.TryGetValue(parts[1], out var output) => Walk(Parse(output), parts, 3),
                _ => null,
            };
            return escape(Text(node));
        });
    }

    /// <summary>JSON text to a node; null for empty or invalid text.</summary>
    public static JsonNode? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonNode? Walk(JsonNode? node, string[] parts, int from)
    {
        for (var i = from; i < parts.Length && node is not null; i++)
        {
            node = node switch
            {
                JsonObject o => o[parts[i]],
                JsonArray a when int.TryParse(parts[i], System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 0 && n < a.Count => a[n],
                _ => null,
            };
        }

        return node;
    }

    private static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };
}
