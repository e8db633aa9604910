using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.Tests.Api;

/// <summary>One bad body: what it is, the JSON text, and the field a 400 must name (null: any 4xx, any field).</summary>
public sealed record BodyCase(string What, string Json, string? Field);

/// <summary>
/// Bad variants of a valid JSON body, derived from the route's request schema in the API document: for every
/// member (nested objects and the first element of arrays included) a wrong type, a lone surrogate, a duplicate
/// (also in another letter case), an oversize value and, for media types, invalid ones; for every object an unknown
/// member and a member name that is a lone surrogate. Each is the valid sample with exactly one thing wrong.
/// </summary>
public static class JsonMutations
{
    private const string Placeholder = "__platform_mutation__";

    /// <summary>Invalid media types (RFC 9110 grammar, length, non-ASCII), for members and headers that store one.</summary>
    public static readonly string[] BadMediaTypes =
    [
        "garbage", "text/", "/plain", "text/plain/x", "text/pl ain", "text/plain;x", "text/plain; charset",
        "text/plain; a=\"unterminated", "text/plain; a=b c", "text/plain; x=\u00e9", "text/plain, text/html",
        "text/plain\u0000", "a/" + new string('b', 300), " text/plain", "",
    ];

    public static IEnumerable<BodyCase> For(JsonElement document, JsonElement schema, string sample)
    {
        var root = JsonNode.Parse(sample)!.AsObject();
        foreach (var (path, member, memberSchema) in Members(document, schema, root, []))
        {
            var field = Field(path);
            var original = Original(root, path);
            foreach (var wrong in WrongTypes(Kind(document, memberSchema)))
            {
                yield return new($"{field}: wrong type {wrong}", Replace(root, path, wrong), field);
            }

            yield return new($"{field}: lone high surrogate", Replace(root, path, "\"a\\ud800b\""), field);
            yield return new($"{field}: lone low surrogate", Replace(root, path, "\"\\udc00\""), field);
            yield return new($"{field}: duplicate member", Replace(root, path, $"{original},\"{member}\":{original}"), field);
            yield return new($"{field}: duplicate member in another case", Replace(root, path, $"{original},\"{member.ToUpperInvariant()}\":{original}"), null);
            yield return new($"{field}: oversize", Replace(root, path, Oversize(document, memberSchema, original)), null);
            if (member == "contentType")
            {
                foreach (var type in BadMediaTypes)
                {
                    yield return new($"{field}: invalid media type '{type}'", Replace(root, path, JsonSerializer.Serialize(type)), field);
                }
            }
        }

        foreach (var path in Objects(document, schema, root, []))
        {
            var prefix = path.Count == 0 ? "" : Field(path) + ".";
            yield return new($"{prefix}unknownMember: unknown member", Add(root, path, "\"unknownMember\"", "1"), prefix + "unknownMember");
            yield return new($"{prefix}: member name with a lone surrogate", Add(root, path, "\"\\ud800x\"", "1"), null);
        }
    }

    /// <summary>The schema a body or member refers to: a <c>$ref</c> followed, a nullable <c>oneOf</c> reduced to its type.</summary>
    public static JsonElement Resolve(JsonElement document, JsonElement schema)
    {
        while (true)
        {
            if (schema.TryGetProperty("$ref", out var reference))
            {
                var name = reference.GetString()!.Split('/')[^1];
                schema = document.GetProperty("components").GetProperty("schemas").GetProperty(name);
            }
            else if (schema.TryGetProperty("oneOf", out var oneOf))
            {
                schema = oneOf.EnumerateArray().First(s => !(s.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "null"));
            }
            else
            {
                return schema;
            }
        }
    }

    /// <summary>True when the schema allows the body to be absent (a nullable <c>oneOf</c>).</summary>
    public static bool IsOptional(JsonElement schema) =>
        schema.TryGetProperty("oneOf", out var oneOf)
        && oneOf.EnumerateArray().Any(s => s.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "null");

    private static IEnumerable<(List<object> Path, string Member, JsonElement Schema)> Members(JsonElement document, JsonElement schema, JsonObject sample, List<object> path)
    {
        var resolved = Resolve(document, schema);
        if (!resolved.TryGetProperty("properties", out var properties))
        {
            yield break;
        }

        foreach (var property in properties.EnumerateObject())
        {
            List<object> here = [.. path, property.Name];
            yield return (here, property.Name, property.Value);
            foreach (var nested in Nested(document, property.Value, sample[property.Name], here))
            {
                yield return nested;
            }
        }
    }

    private static IEnumerable<(List<object> Path, string Member, JsonElement Schema)> Nested(JsonElement document, JsonElement schema, JsonNode? sample, List<object> path)
    {
        var resolved = Resolve(document, schema);
        if (sample is JsonObject obj)
        {
            return Members(document, resolved, obj, path);
        }

        if (sample is JsonArray { Count: > 0 } array && array[0] is JsonObject first && resolved.TryGetProperty("items", out var items))
        {
            return Members(document, items, first, [.. path, 0]);
        }

        return [];
    }

    private static IEnumerable<List<object>> Objects(JsonElement document, JsonElement schema, JsonObject sample, List<object> path)
    {
        yield return path;
        var resolved = Resolve(document, schema);
        if (!resolved.TryGetProperty("properties", out var properties))
        {
            yield break;
        }

        foreach (var property in properties.EnumerateObject())
        {
            var value = sample[property.Name];
            var memberSchema = Resolve(document, property.Value);
            if (value is JsonObject obj)
            {
                foreach (var nested in Objects(document, memberSchema, obj, [.. path, property.Name]))
                {
                    yield return nested;
                }
            }
            else if (value is JsonArray { Count: > 0 } array && array[0] is JsonObject first && memberSchema.TryGetProperty("items", out var items))
            {
                foreach (var nested in Objects(document, items, first, [.. path, property.Name, 0]))
                {
                    yield return nested;
                }
            }
        }
    }

    /// <summary>string, integer, boolean, array, object, enum, or any (a JsonElement: no type).</summary>
    private static string Kind(JsonElement document, JsonElement schema)
    {
        var resolved = Resolve(document, schema);
        if (resolved.TryGetProperty("enum", out _))
        {
            return "enum";
        }

        if (!resolved.TryGetProperty("type", out var type))
        {
            return resolved.TryGetProperty("properties", out _) ? "object" : "any";
        }

        var types = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList() : [type.GetString()!];
        return types.FirstOrDefault(t => t != "null") ?? "any";
    }

    private static string[] WrongTypes(string kind) => kind switch
    {
        "string" => ["12345", "[\"x\"]", "{}"],
        "integer" => ["\"5\"", "1.5", "true", "[]"],
        "number" => ["\"5\"", "true"],
        "boolean" => ["\"true\"", "1"],
        "array" => ["{}", "\"x\"", "7"],
        "object" => ["5", "[]", "\"x\""],
        "enum" => ["\"no-such-value\"", "1"],
        _ => ["{\"a\":1}", "[1]"],
    };

    private static string Oversize(JsonElement document, JsonElement schema, string original) => Kind(document, schema) switch
    {
        "integer" or "number" => "99999999999999999999999999",
        "boolean" => "\"" + new string('t', 100_000) + "\"",
        "array" => "[" + string.Join(",", Enumerable.Repeat(original == "null" ? "{}" : original.Trim('[', ']'), 200)) + "]",
        _ => "\"" + new string('x', 100_000) + "\"",
    };

    /// <summary>The member's value in the sample as JSON text (a typical valid value when the sample leaves it out).</summary>
    private static string Original(JsonObject root, List<object> path)
    {
        JsonNode? node = root;
        foreach (var step in path)
        {
            node = step is int index ? node?.AsArray()[index] : node?.AsObject()[(string)step];
        }

        return node?.ToJsonString() ?? "null";
    }

    /// <summary>The sample with the member at <paramref name="path"/> (added if absent) replaced by raw JSON text.</summary>
    private static string Replace(JsonObject root, List<object> path, string rawJson)
    {
        var copy = root.DeepClone().AsObject();
        var parent = Navigate(copy, path[..^1]);
        parent[(string)path[^1]] = Placeholder;
        return copy.ToJsonString().Replace($"\"{Placeholder}\"", rawJson, StringComparison.Ordinal);
    }

    /// <summary>The sample with one more member, written as raw JSON text, in the object at <paramref name="path"/>.</summary>
    private static string Add(JsonObject root, List<object> path, string rawName, string rawValue)
    {
        var copy = root.DeepClone().AsObject();
        Navigate(copy, path)[Placeholder] = 0;
        return copy.ToJsonString().Replace($"\"{Placeholder}\":0", $"{rawName}:{rawValue}", StringComparison.Ordinal);
    }

    private static JsonObject Navigate(JsonObject root, List<object> path)
    {
        JsonNode node = root;
        foreach (var step in path)
        {
            node = step is int index ? node.AsArray()[index]! : node.AsObject()[(string)step]!;
        }

        return node.AsObject();
    }

    /// <summary>The field a problem names for a path: <c>success[0].op</c>.</summary>
    public static string Field(List<object> path) =>
        string.Concat(path.Select((step, i) => step is int index ? $"[{index}]" : i == 0 ? (string)step : "." + (string)step));
}
