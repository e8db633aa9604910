using System.Text.Json;

namespace Platform.Client.Host.Sagas;

/// <summary>The body of <c>POST /v1/sagas/{name}/instances</c>: an optional instance id (the idempotency key of the start) and the input object.</summary>
public sealed record SagaStartRequest(string? Id, Dictionary<string, JsonElement>? Input);
