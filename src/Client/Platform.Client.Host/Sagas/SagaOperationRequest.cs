using System.Text.Json;

namespace Platform.Client.Host.Sagas;

/// <summary>An action or compensation in a request; <see cref="Body"/> is a JSON value (a string is sent as is, other values as their JSON text).</summary>
public sealed record SagaOperationRequest(
    string? Kind,
    string? Method,
    string? Url,
    JsonElement? Body,
    IReadOnlyList<int>? Expect,
    string? Op,
    string? Namespace,
    string? Key,
    string? Value,
    long? IfVersion,
    bool? IfAbsent);
