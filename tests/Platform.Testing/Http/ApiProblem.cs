using System.Text.Json;

namespace Platform.Testing.Http;

/// <summary>
/// An <c>application/problem+json</c> answer (RFC 9457) as the API writes it: <c>type</c>, <c>title</c>,
/// <c>status</c>, <c>detail</c>, <c>traceId</c>, and the extensions routes add (<c>field</c>, <c>currentVersion</c>,
/// <c>reason</c>, <c>retrySafe</c>, <c>inDoubt</c>, <c>holders</c>, <c>queueLength</c>).
/// </summary>
public sealed class ApiProblem
{
    internal ApiProblem(JsonElement root)
    {
        Root = root;
    }

    /// <summary>A problem document from its JSON text (for tests of code that reads answers); throws when it is not a JSON object.</summary>
    public static ApiProblem Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.ValueKind == JsonValueKind.Object
            ? new ApiProblem(document.RootElement.Clone())
            : throw new JsonException("A problem document is a JSON object.");
    }

    /// <summary>The whole problem document.</summary>
    public JsonElement Root { get; }

    public string? Type => String("type");

    public string? Title => String("title");

    public int? Status => Root.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt32() : null;

    public string? Detail => String("detail");

    public string? TraceId => String("traceId");

    /// <summary>The input that was wrong (400).</summary>
    public string? Field => String("field");

    /// <summary>The version the key has now (412).</summary>
    public long? CurrentVersion => Root.TryGetProperty("currentVersion", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;

    /// <summary>Why a transaction did not commit (409/503 on <c>/v1/txn</c>).</summary>
    public string? Reason => String("reason");

    /// <summary>True when the failed call certainly changed nothing, so sending it again is safe.</summary>
    public bool? RetrySafe => Bool("retrySafe");

    /// <summary>True when a transaction's outcome is unknown.</summary>
    public bool? InDoubt => Bool("inDoubt");

    /// <summary>Current holders named by a lease refusal (409).</summary>
    public IReadOnlyList<LeaseHolderInfo> Holders =>
        Root.TryGetProperty("holders", out var h) && h.ValueKind == JsonValueKind.Array
            ? h.Deserialize<List<LeaseHolderInfo>>(PlatformApiJson.Options) ?? []
            : [];

    public int? QueueLength => Root.TryGetProperty("queueLength", out var q) && q.ValueKind == JsonValueKind.Number ? q.GetInt32() : null;

    /// <summary>True when the document has the members every Platform problem carries.</summary>
    public bool IsComplete =>
        !string.IsNullOrEmpty(Type) && !string.IsNullOrEmpty(Title) && Status is not null && Root.TryGetProperty("traceId", out _);

    public override string ToString() => Root.GetRawText();

    private string? String(string name) =>
        Root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private bool? Bool(string name) =>
        Root.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;
}
