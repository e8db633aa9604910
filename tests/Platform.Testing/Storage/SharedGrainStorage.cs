using Orleans.Serialization;
using Orleans.Storage;

namespace Platform.Testing.Storage;

/// <summary>
/// Grain storage over a <see cref="SharedGrainStore"/> that outlives the silos (and clusters) using it, ETag-checked
/// like a real store: a stale write throws <see cref="InconsistentStateException"/>. Values are deep copies, so a
/// grain's in-memory changes never reach storage without a write.
/// </summary>
public sealed class SharedGrainStorage(SharedGrainStore store, DeepCopier copier) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        if (store.Rows.TryGetValue(SharedGrainStore.Key(stateName, grainId), out var row))
        {
            grainState.State = copier.Copy((T)row.State);
            grainState.ETag = row.ETag;
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        grainState.ETag = store.Write(SharedGrainStore.Key(stateName, grainId), grainState.ETag, copier.Copy(grainState.State)!);
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        store.Write(SharedGrainStore.Key(stateName, grainId), grainState.ETag, null);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }
}
