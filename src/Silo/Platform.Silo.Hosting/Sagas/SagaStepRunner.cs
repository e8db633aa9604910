using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Errors;
using Platform.EventLog;
using Platform.KeyValue;
using Platform.Locks;
using Platform.Sagas;
using Platform.Transactions;

namespace Platform.Silo.Hosting.Sagas;

/// <summary>
/// Runs saga steps: <c>http</c> through a named <see cref="HttpClient"/> with no retries of its own (the instance's
/// pipeline retries, so every attempt is in its log) and the <c>Idempotency-Key</c> header; <c>kv</c> through the
/// typed key-value client; <c>txn</c> as one transaction that also creates the step's marker key
/// (<c>.sagas/{idempotencyKey}</c>) only if it is absent, so a re-sent step applies nothing twice; <c>lock</c> through
/// the leases client with the saga id as owner (a re-sent acquire finds its own grant; a release of a lock not held
/// is done); <c>produce</c> through the event log with the idempotency key as idempotent producer id (epoch 0,
/// sequence 0), so a re-sent append is answered from the log; <c>event</c> by reading the partition its correlation
/// key maps to (the producer's ring) from the earliest offset, long-polling at the end, until a record of that key has
/// the done or failed type (re-running it reads the same records, so it is idempotent). A refused condition or an
/// unexpected status is a definite failure; a lost answer throws.
/// </summary>
public sealed class SagaStepRunner(IHttpClientFactory http, IKeyValueStore store, ILocks locks, IEventLog eventLog) : ISagaStepRunner
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
            "txn" => TransactionAsync(operation, idempotencyKey, cancellationToken),
            "lock" => LockAsync(operation, idempotencyKey, cancellationToken),
            "produce" => ProduceAsync(operation, idempotencyKey, cancellationToken),
            "event" => AwaitEventAsync(operation, cancellationToken),
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

    /// <summary>
    /// Waits for the step's event. An event's type is its <c>type</c> header, else the <c>type</c> member of a JSON
    /// value, else the value as text; the step's output is the value (JSON, or <c>{"body": text}</c>).
    /// </summary>
    private async Task<SagaStepResult> AwaitEventAsync(SagaOperation operation, CancellationToken cancellationToken)
    {
        var topic = await eventLog.GetTopicAsync(operation.Topic!, cancellationToken)
            ?? throw new PlatformNotFoundException($"Topic '{operation.Topic}' does not exist.");
        var partition = new Platform.Sharding.HashRing(topic.Spec.Partitions).ShardFor(operation.Key!);
        var start = ReadStart.Earliest;
        while (true)
        {
            var read = await eventLog.ReadAsync(operation.Topic!, partition, start, limit: 500, waitMs: 5_000, cancellationToken);
            foreach (var record in read.Records.Where(r => r.Key == operation.Key))
            {
                var text = record.Value is null ? "" : Encoding.UTF8.GetString(record.Value);
                var node = SagaTemplate.Parse(text);
                var type = record.Headers?.GetValueOrDefault("type")
                    ?? (node is JsonObject obj && obj["type"] is JsonValue value && value.TryGetValue<string>(out var member) ? member : text);
                var output = node is not null ? node.ToJsonString() : new JsonObject { ["body"] = text }.ToJsonString();
                if (type == operation.Done)
                {
                    return new SagaStepResult(true, null, output, null);
                }

                if (operation.Failed is not null && type == operation.Failed)
                {
                    return new SagaStepResult(false, null, output, $"event '{type}' at offset {record.Offset}");
                }
            }

            start = ReadStart.At(read.NextOffset);
        }
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

    /// <summary>The key a <c>txn</c> step's transaction creates beside its writes, in the same namespace.</summary>
    public static string MarkerKey(string idempotencyKey) => $".sagas/{idempotencyKey}";

    private async Task<SagaStepResult> TransactionAsync(SagaOperation operation, string idempotencyKey, CancellationToken cancellationToken)
    {
        var marker = MarkerKey(idempotencyKey);
        var writes = operation.Ops!.Select(o => o.Op switch
        {
            "put" => new TransactionOp { Kind = TransactionOpKind.Put, Key = o.Key, Value = Encoding.UTF8.GetBytes(o.Value ?? "") },
            "delete" => new TransactionOp { Kind = TransactionOpKind.Delete, Key = o.Key },
            _ => new TransactionOp { Kind = TransactionOpKind.Add, Key = o.Key, Amount = o.Amount },
        }).Append(new TransactionOp { Kind = TransactionOpKind.Put, Key = marker, Value = Encoding.UTF8.GetBytes(idempotencyKey) }).ToArray();
        try
        {
            var result = await store.Transaction(operation.Namespace!)
                .If(new TransactionCompare { Key = marker, Target = TransactionCompareTarget.Exists, Op = TransactionCompareOp.Equal, Value = "false"u8.ToArray() })
                .Then(writes)
                .CommitAsync(cancellationToken);

            // The marker exists: an earlier send of this step committed; nothing was applied now.
            return new SagaStepResult(true, null, JsonSerializer.Serialize(new { committed = true, duplicate = !result.Succeeded }), null);
        }
        catch (PlatformException ex) when (ex is PlatformPreconditionFailedException or PlatformNotFoundException or PlatformValidationException or PlatformConflictException)
        {
            return new SagaStepResult(false, null, "{}", ex.Message);
        }
    }

    private async Task<SagaStepResult> LockAsync(SagaOperation operation, string idempotencyKey, CancellationToken cancellationToken)
    {
        var owner = idempotencyKey.Split(':')[0];
        var name = operation.Name!;
        if (operation.Op == "release")
        {
            var held = (await locks.GetAsync(name, cancellationToken)).Holders.FirstOrDefault(h => h.Owner == owner);
            if (held is not null)
            {
                try
                {
                    await locks.ReleaseLeaseAsync(name, owner, held.Token, cancellationToken);
                }
                catch (PlatformException ex) when (ex is PlatformConflictException or PlatformNotFoundException)
                {
                    // Expired or released meanwhile: not held either way.
                }
            }

            return new SagaStepResult(true, null, JsonSerializer.Serialize(new { released = held?.Token }), null);
        }

        try
        {
            var grant = await locks.AcquireLeaseAsync(name, new LeaseRequest { Owner = owner, LeaseMs = operation.LeaseMs, WaitMs = operation.WaitMs ?? 0 }, cancellationToken);
            return new SagaStepResult(true, null, JsonSerializer.Serialize(new { token = grant.Token }), null);
        }
        catch (PlatformException ex) when (ex is LeaseConflictException or PlatformConflictException)
        {
            // A re-sent acquire: the saga holds it already (same owner); its grant is the answer.
            var own = (await locks.GetAsync(name, cancellationToken)).Holders.FirstOrDefault(h => h.Owner == owner);
            return own is not null
                ? new SagaStepResult(true, null, JsonSerializer.Serialize(new { token = own.Token }), null)
                : new SagaStepResult(false, null, "{}", ex.Message);
        }
    }

    private async Task<SagaStepResult> ProduceAsync(SagaOperation operation, string idempotencyKey, CancellationToken cancellationToken)
    {
        try
        {
            var record = new ProduceRecord { Key = operation.Key, Value = Encoding.UTF8.GetBytes(operation.Value ?? "") };
            var result = await eventLog.ProduceAsync(operation.Topic!, [record], new ProducerIdentity(idempotencyKey, 0, 0), cancellationToken);
            var position = result.Records[0];
            return new SagaStepResult(true, null, JsonSerializer.Serialize(new { partition = position.Partition, offset = position.Offset, duplicate = result.Duplicate }), null);
        }
        catch (PlatformException ex) when (ex is PlatformNotFoundException or PlatformValidationException or PlatformConflictException or PlatformPayloadTooLargeException)
        {
            return new SagaStepResult(false, null, "{}", ex.Message);
        }
    }

    private static KeyValueCondition Condition(SagaOperation operation) =>
        new() { IfMatchVersion = operation.IfVersion, IfNoneMatch = operation.IfAbsent };
}
