using System.Globalization;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;
using Platform.Errors;
using Platform.KeyValue;

namespace Platform.Replication;

/// <summary>
/// Orleans grain storage kept in the system replica group (<see cref="ReplicaId.SystemGroup"/>): each grain's state is
/// one key, its version the ETag, every write If-Match-checked and acknowledged by a majority of the group. What a
/// cluster on memory storage keeps its namespace settings, catalog and lock state in, so that they outlive any silo
/// as the replicated namespaces' keys do.
/// </summary>
public sealed class ReplicatedGrainStorage(IGrainFactory grains, IOptions<ReplicationOptions> options, Serializer serializer, TimeProvider time) : IGrainStorage
{
    private ReplicaGroupClient? _client;

    private ReplicaGroupClient Client => _client ??= new ReplicaGroupClient(grains, options.Value, time);

    private int Replicas => options.Value.SystemReplicas;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var result = await Client.ReadAsync(ReplicaId.SystemGroup, Replicas, new ReplicaRead { Key = Key(stateName, grainId), Consistency = ReadConsistency.Strong }, CancellationToken.None);
        if (result.Status != ReplicaCallStatus.Ok)
        {
            throw new PlatformUnavailableException($"The system replica group could not read the state of {grainId} ({result.Status}: {result.Detail}); retry.");
        }

        if (result.Entry is { } entry)
        {
            grainState.State = serializer.Deserialize<T>(entry.Value);
            grainState.ETag = entry.Version.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var result = await WriteAsync(stateName, grainId, grainState.ETag, serializer.SerializeToArray(grainState.State));
        grainState.ETag = result.Version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        if (grainState.ETag is not null)
        {
            await WriteAsync(stateName, grainId, grainState.ETag, null);
        }

        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private async Task<KeyValueWriteResult> WriteAsync(string stateName, GrainId grainId, string? etag, byte[]? value)
    {
        var condition = etag is null
            ? new KeyValueCondition { IfNoneMatch = true }
            : new KeyValueCondition { IfMatchVersion = long.Parse(etag, CultureInfo.InvariantCulture) };
        var written = await Client.WriteAsync(ReplicaId.SystemGroup, Replicas, new KeyValueWriteRequest { Key = Key(stateName, grainId), Value = value, Condition = condition }, CancellationToken.None);
        if (written is not { Status: ReplicaCallStatus.Ok, Result: { } result })
        {
            throw new PlatformUnavailableException($"The system replica group could not write the state of {grainId} ({written.Status}: {written.Detail}); retry.");
        }

        return result.Status switch
        {
            KeyValueWriteStatus.Ok => result,
            KeyValueWriteStatus.NotFound when value is null => result,
            _ => throw new InconsistentStateException($"The state of {grainId} changed in the system replica group (version {result.Version}, expected {etag ?? "none"}).", result.Version.ToString(CultureInfo.InvariantCulture), etag ?? ""),
        };
    }

    private static string Key(string stateName, GrainId grainId) => $"{stateName}/{grainId}";
}
