using Orleans.Storage;

namespace Platform.Sagas;

/// <summary>Keeps every version of one definition; a put equal to the latest version answers it unchanged.</summary>
public sealed class SagaDefinitionGrain(
    [PersistentState("sagaDefinition", SagaInstanceGrain.StorageName)] IPersistentState<SagaDefinitionState> state,
    TimeProvider time) : Grain, ISagaDefinitionGrain
{
    public async Task<(SagaDefinition Definition, bool Created)> Put(IReadOnlyList<SagaStep> steps, string kind)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(kind);
        var versions = state.State.Versions;
        if (versions.Count > 0 && versions[^1].Kind == kind && versions[^1].Steps.SequenceEqual(steps))
        {
            return (versions[^1], false);
        }

        var definition = new SagaDefinition
        {
            Name = this.GetPrimaryKeyString(),
            Version = versions.Count + 1,
            Steps = [.. steps],
            Kind = kind,
            CreatedAt = time.GetUtcNow(),
        };
        var published = state.State;
        state.State = published with { Versions = [.. versions, definition] };
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            state.State = published;
            if (ex is InconsistentStateException)
            {
                await state.ReadStateAsync();
            }

            throw;
        }

        return (definition, versions.Count == 0);
    }

    public Task<SagaDefinition?> Get(int? version)
    {
        var versions = state.State.Versions;
        SagaDefinition? answer = version is { } v
            ? (v >= 1 && v <= versions.Count ? versions[v - 1] : null)
            : (versions.Count > 0 ? versions[^1] : null);
        return Task.FromResult(answer);
    }
}
