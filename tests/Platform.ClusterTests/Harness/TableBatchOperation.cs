using System.Text.Json;

namespace Platform.ClusterTests.Harness;

/// <summary>
/// One operation of an Azure Table entity-group batch (<c>POST .../$batch</c>) as it went over the wire: the HTTP
/// method of the sub-request (<c>POST</c> adds, <c>PUT</c> replaces, <c>MERGE</c>/<c>PATCH</c> merges, <c>DELETE</c>
/// deletes), the entity's keys and, unless it is a delete, its JSON body.
/// </summary>
public sealed record TableBatchOperation(string Method, string PartitionKey, string RowKey, JsonElement? Body)
{
    public bool IsDelete => Method == "DELETE";

    /// <summary>A property of the body as an Int64 (Azure sends Edm.Int64 as a JSON string), or null.</summary>
    public long? NumberOf(string name) =>
        Body is { } body && body.TryGetProperty(name, out var value)
            ? value.ValueKind == JsonValueKind.String ? long.Parse(value.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : value.GetInt64()
            : null;

    /// <summary>A string property of the body, or null.</summary>
    public string? TextOf(string name) =>
        Body is { } body && body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
