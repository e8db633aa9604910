using Microsoft.Extensions.Options;
using Platform.Errors;

namespace Platform.EventLog;

/// <summary>A topic's settings, generation and partition count, persisted before every answer.</summary>
public sealed class TopicGrain(
    [PersistentState("topic", TopicGrain.StorageName)] IPersistentState<TopicState> state,
    IOptions<EventLogOptions> options,
    TimeProvider time) : Grain, ITopicGrain
{
    /// <summary>The grain storage of topics, groups and the topic catalog; AddPlatformEventLog maps it to the default storage unless registered.</summary>
    public const string StorageName = "eventlog";

    // The topic as last persisted: what Get answers, also while a change is being written.
    private TopicInfo? _published;

    private string Name => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _published = Info();
        return Task.CompletedTask;
    }

    public async Task<TopicCreateResult> Create(TopicSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Check(spec.Partitions, options.Value);
        if (state.State is { Exists: true, Spec: { } existing })
        {
            return existing == spec
                ? new TopicCreateResult(Info()!, false)
                : throw new PlatformConflictException($"Topic '{Name}' exists with other settings ({Describe(existing)}); delete it first or grow it with POST .../partitions.");
        }

        state.State.Exists = true;
        state.State.Generation++;
        state.State.Spec = spec;
        state.State.CreatedAt = time.GetUtcNow();
        await state.WriteStateAsync();
        _published = Info();
        await GrainFactory.GetGrain<ITopicCatalogGrain>(ITopicCatalogGrain.Key).Add(Name);
        return new TopicCreateResult(Info()!, true);
    }

    public Task<TopicInfo?> Get() => Task.FromResult(_published);

    public async Task<TopicInfo> AddPartitions(int partitions)
    {
        if (state.State is not { Exists: true, Spec: { } spec })
        {
            throw new PlatformNotFoundException($"Topic '{Name}' does not exist.");
        }

        Check(partitions, options.Value);
        if (partitions <= spec.Partitions)
        {
            throw new PlatformConflictException($"Topic '{Name}' has {spec.Partitions} partitions; a topic only grows (asked for {partitions}).");
        }

        state.State.Spec = spec with { Partitions = partitions };
        await state.WriteStateAsync();
        _published = Info();
        return Info()!;
    }

    public async Task<bool> Delete()
    {
        if (state.State is not { Exists: true, Spec: { } spec })
        {
            return false;
        }

        // Drop every partition first: a partition activation that outlives the delete then refuses everything.
        var generation = state.State.Generation;
        await Task.WhenAll(Enumerable.Range(0, spec.Partitions).Select(p => GrainFactory.GetGrain<IPartitionGrain>(new PartitionId(Name, generation, p).Key).Drop()));
        state.State.Exists = false;
        state.State.Spec = null;
        await state.WriteStateAsync();
        _published = null;
        await GrainFactory.GetGrain<ITopicCatalogGrain>(ITopicCatalogGrain.Key).Remove(Name);
        return true;
    }

    private TopicInfo? Info() => state.State is { Exists: true, Spec: { } spec }
        ? new TopicInfo { Name = Name, Generation = state.State.Generation, Spec = spec, CreatedAt = state.State.CreatedAt }
        : null;

    private static void Check(int partitions, EventLogOptions limits)
    {
        if (partitions < 1 || partitions > limits.MaxPartitions)
        {
            throw new PlatformValidationException("partitions", $"must be between 1 and {limits.MaxPartitions} (got {partitions}) ({EventLogOptions.SectionName}:MaxPartitions)");
        }
    }

    private static string Describe(TopicSpec spec) =>
        $"partitions {spec.Partitions}, cleanup {spec.Cleanup}, maxRecordBytes {spec.MaxRecordBytes}, retention {spec.RetentionMs?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} ms / {spec.RetentionBytes?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} bytes";
}
