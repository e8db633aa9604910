using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Errors;
using Platform.KeyValue;
using Platform.Sagas;

namespace Platform.Silo.Hosting.Sagas;

/// <summary>
/// Runs saga steps: <c>http</c> through a named <see cref="HttpClient"/> with no retries of its own (the instance's
/// pipeline retries, so every attempt is in its log) and the <c>Idempotency-Key</c> header; <c>kv</c> through the
/// typed key-value client. A refused condition or an unexpected status is a definite failure; a lost answer throws.
/// </summary>
public sealed class SagaStepRunner(IHttpClientFactory http, IKeyValueStore store) : ISagaStepRunner
{
    /// <summary>The named HTTP client of <c>http</c> steps.</summary>
    public const string HttpClientName = "Platform.Sagas.Steps";

    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public Task<SagaStepResult> RunAsync(SagaOperation operation, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return operation.Kind switch
        {
            "http" => HttpAsync(operation, idempotencyKey, cancellationToken),
            "kv" => KeyValueAsync(operation, cancellationToken),
            _ => throw new PlatformValidationException("kind", $"'{operation.Kind}' is not a step kind"),
        };
    }

    private async Task<SagaStepResult> HttpAsync(SagaOperation operation, string idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(new HttpMethod(operation.Method!), operation.Url);
        request.Headers.TryAddWithoutValidation(IdempotencyKeyHeader, idempotencyKey);
        if (operation.Body is { } body)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await http.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var expected = operation.Expect is { Count: > 0 } expect ? expect.Contains(status) : status is >= 200 and < 300;
        var output = SagaTemplate.Parse(text) is { } node ? node.ToJsonString() : new JsonObject { ["body"] = text }.ToJsonString();
        return new SagaStepResult(expected, status, output, expected ? null : $"status {status} not expected");
    }

    private async Task<SagaStepResult> KeyValueAsync(SagaOperation operation, CancellationToken cancellationToken)
    {
        try
        {
            if (operation.Op == "delete")
            {
                await store.DeleteAsync(operation.Namespace!, operation.Key!, Condition(operation), cancellationToken: cancellationToken);
                return new SagaStepResult(true, null, "{}", null);
            }

            var version = await store.PutAsync(
                operation.Namespace!,
                operation.Key!,
                Encoding.UTF8.GetBytes(operation.Value ?? ""),
                new KeyValuePutOptions { Condition = Condition(operation) },
                cancellationToken);
            return new SagaStepResult(true, null, JsonSerializer.Serialize(new { version }), null);
        }
        catch (PlatformException ex) when (ex is PlatformPreconditionFailedException or PlatformNotFoundException or PlatformValidationException or PlatformConflictException)
        {
            return new SagaStepResult(false, null, "{}", ex.Message);
        }
    }

    private static KeyValueCondition Condition(SagaOperation operation) =>
        new() { IfMatchVersion = operation.IfVersion, IfNoneMatch = operation.IfAbsent };
}
