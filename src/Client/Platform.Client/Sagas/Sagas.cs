using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Platform.Client.Cluster;
using Platform.Errors;
using Platform.Validation;

namespace Platform.Sagas;

/// <summary>The typed client of sagas: every input check, then one grain call (definition or instance).</summary>
internal sealed class Sagas(IGrainFactory grains, IOptions<SagasOptions> options) : ISagas
{
    /// <summary>How long one wait of a watch lasts on the grain before it asks again.</summary>
    private const int WatchPollMs = 15_000;

    private SagasOptions Limits => options.Value;

    public Task<SagaDefinitionPutResult> PutDefinitionAsync(string name, IReadOnlyList<SagaStep> steps, CancellationToken cancellationToken = default) =>
        PutDefinitionAsync(name, steps, SagaDefinitionKinds.Orchestration, cancellationToken);

    public async Task<SagaDefinitionPutResult> PutDefinitionAsync(string name, IReadOnlyList<SagaStep> steps, string kind, CancellationToken cancellationToken = default)
    {
        Checks.Name(name, "name");
        if (SagaDefinitionRules.Check(steps, Limits) is { } error)
        {
            throw new PlatformValidationException(error.Field, error.Reason);
        }

        if (SagaDefinitionRules.CheckKind(kind, steps) is { } kindError)
        {
            throw new PlatformValidationException(kindError.Field, kindError.Reason);
        }

        var (definition, created) = await grains.GetGrain<ISagaDefinitionGrain>(name).Put(steps, kind).WaitAsync(cancellationToken);
        return new SagaDefinitionPutResult(definition, created);
    }

    public async Task<SagaDefinition> GetDefinitionAsync(string name, int? version = null, CancellationToken cancellationToken = default)
    {
        Checks.Name(name, "name");
        if (version is < 1)
        {
            throw new PlatformValidationException("version", "must be at least 1");
        }

        return await grains.GetGrain<ISagaDefinitionGrain>(name).Get(version).WaitAsync(cancellationToken)
            ?? throw new PlatformNotFoundException(version is null ? $"Saga definition '{name}' does not exist." : $"Saga definition '{name}' has no version {version}.");
    }

    public async Task<SagaInstanceView> StartAsync(string definition, string? id, string inputJson, CancellationToken cancellationToken = default)
    {
        Checks.Name(definition, "name");
        id ??= Guid.NewGuid().ToString("N");
        Checks.Name(id, "id");
        var input = Input(inputJson);
        var grain = grains.GetGrain<ISagaInstanceGrain>(id);
        if (await grain.Get().WaitAsync(cancellationToken) is { } existing)
        {
            return Same(existing, definition, input);
        }

        var latest = await GetDefinitionAsync(definition, null, cancellationToken);
        return Same(await grain.Start(latest, input).WaitAsync(cancellationToken), definition, input);
    }

    public Task<SagaInstanceView> GetAsync(string id, CancellationToken cancellationToken = default) =>
        Call(id, async g => await g.Get() ?? throw new PlatformNotFoundException($"Saga instance '{id}' does not exist."), cancellationToken);

    public IAsyncEnumerable<SagaInstanceView> WatchAsync(string id, long afterRevision = 0, CancellationToken cancellationToken = default)
    {
        Checks.Name(id, "id");
        return Watch(grains.GetGrain<ISagaInstanceGrain>(id), id, afterRevision, cancellationToken);
    }

    private static async IAsyncEnumerable<SagaInstanceView> Watch(ISagaInstanceGrain grain, string id, long after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var first = await grain.Get().WaitAsync(cancellationToken) ?? throw new PlatformNotFoundException($"Saga instance '{id}' does not exist.");
        if (first.Revision > after)
        {
            yield return first;
            after = first.Revision;
        }

        if (SagaStates.IsAtRest(first.State))
        {
            yield break;
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            SagaInstanceView? next = null;
            try
            {
                next = await grain.WaitForChange(after, WatchPollMs).WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                yield break;
            }
            catch (Exception ex) when (ClusterErrors.IsTransient(ex) || ex is OrleansException)
            {
                // The instance moved (a silo went away): ask again; the revision says where we were.
            }

            if (next is null)
            {
                continue;
            }

            yield return next;
            after = next.Revision;
            if (SagaStates.IsAtRest(next.State))
            {
                yield break;
            }
        }
    }

    public Task<SagaInstanceView> AbortAsync(string id, CancellationToken cancellationToken = default) => Call(id, g => g.Abort(), cancellationToken);

    public Task<SagaInstanceView> RetryAsync(string id, CancellationToken cancellationToken = default) => Call(id, g => g.Retry(), cancellationToken);

    public Task<SagaInstanceView> SkipAsync(string id, CancellationToken cancellationToken = default) => Call(id, g => g.Skip(), cancellationToken);

    private Task<SagaInstanceView> Call(string id, Func<ISagaInstanceGrain, Task<SagaInstanceView>> call, CancellationToken cancellationToken)
    {
        Checks.Name(id, "id");
        return call(grains.GetGrain<ISagaInstanceGrain>(id)).WaitAsync(cancellationToken);
    }

    private static SagaInstanceView Same(SagaInstanceView instance, string definition, string input)
    {
        if (instance.Definition != definition || instance.Input != input)
        {
            throw new PlatformConflictException($"Saga instance '{instance.Id}' exists already with another definition or input.");
        }

        return instance;
    }

    /// <summary>The input as compact JSON text; a JSON object within the size limit.</summary>
    private string Input(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return "{}";
        }

        if (Encoding.UTF8.GetByteCount(json) > Limits.MaxPayloadBytes)
        {
            throw new PlatformValidationException("input", $"is larger than {Limits.MaxPayloadBytes} bytes (Platform:Sagas:MaxPayloadBytes)");
        }

        try
        {
            return JsonNode.Parse(json) is JsonObject o ? o.ToJsonString() : throw new PlatformValidationException("input", "must be a JSON object");
        }
        catch (JsonException ex)
        {
            throw new PlatformValidationException("input", $"is not JSON: {ex.Message}");
        }
    }
}
