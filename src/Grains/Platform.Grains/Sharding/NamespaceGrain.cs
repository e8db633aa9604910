using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using Platform.Errors;
using Platform.KeyValue;
using Platform.Replication;
using Platform.Replication.Quorum;
using Platform.Transactions;

namespace Platform.Sharding;

/// <summary>Holds one namespace's settings; the <c>default</c> namespace creates itself on first use.</summary>
/// <remarks>
/// <para>
/// Decide on a copy, write, then publish: <see cref="_published"/> is the state as last read from or written to
/// storage, and the only state anything is answered from (<see cref="Get"/> interleaves and reads it without the
/// gate). A create or delete decides on a copy and publishes it only after the write succeeded, so neither a failed
/// write nor a duplicate activation that lost the ETag race ever serves settings that are not in storage, and a
/// generation is never handed out twice. A write whose outcome is unknown marks the state stale: it is re-read
/// before the next decision. <see cref="_gate"/> (an async mutex) orders decisions, since <see cref="Get"/> creates
/// the default namespace while other calls may run.
/// </para>
/// <para>
/// A delete is resumable: it first persists the namespace as <see cref="NamespaceState.Deleting"/> (gone for routing
/// from then on), then drops every shard and the catalog entry, then clears the phase. Each step is idempotent; if one
/// fails, a retried delete, a create of the same name (which must not race the old catalog entry's removal) or the
/// next activation (by a timer, retried with a growing delay) finishes it.
/// </para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The gate lives as long as the activation and holds no wait handle.")]
public sealed partial class NamespaceGrain(
    [PersistentState("namespace")] IPersistentState<NamespaceState> state,
    IOptions<KeyValueOptions> options,
    NamespacePolicy policy,
    TimeProvider time,
    ILogger<NamespaceGrain> logger) : Grain, INamespaceGrain
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private NamespaceState _published = new();
    private bool _stale;
    private IGrainTimer? _resume;
    private TimeSpan _retry = FirstRetry;

    private string Name => this.GetPrimaryKeyString();

    private INamespaceCatalogGrain Catalog => GrainFactory.GetGrain<INamespaceCatalogGrain>(INamespaceCatalogGrain.Key);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _published = state.State;
        if (_published.Deleting is not null)
        {
            // A delete that did not finish before the last activation ended: finish it now, not on the next call.
            ArmResume(TimeSpan.Zero);
        }

        return Task.CompletedTask;
    }

    public async Task<NamespaceSettings?> Get()
    {
        if (_published.Current is null && Name == NamespaceSettings.DefaultNamespace)
        {
            var replication = policy.RequireReplication is null ? null : policy.DefaultReplication;
            return (await Create(new NamespaceSpec { Shards = options.Value.DefaultShards, Replication = replication })).Settings;
        }

        return _published.Current;
    }

    public async Task<NamespaceCreateResult> Create(NamespaceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Replication is { } replication)
        {
            if (replication.Check() is var (field, reason))
            {
                throw new PlatformValidationException(field, reason);
            }

            if (spec.Transactional)
            {
                throw new PlatformValidationException("replication", "cannot be combined with transactional: true");
            }
        }
        else if (policy.RequireReplication is { } why && _published.Current is null)
        {
            throw new PlatformValidationException("replication", why);
        }

        var created = await CreateUnderGate(spec);
        if (created is { Created: true, Settings.Replication: not null })
        {
            await WarmGroups(created.Settings);
        }

        return created;
    }

    private async Task<NamespaceCreateResult> CreateUnderGate(NamespaceSpec spec)
    {
        await _gate.WaitAsync();
        try
        {
            // A delete of the old namespace under this name finishes first: its catalog removal must not come after
            // this create's catalog entry.
            await FinishDelete();
            NamespaceCreateResult? result = null;
            await Mutate(current =>
            {
                if (current.Current is { } existing)
                {
                    result = new NamespaceCreateResult(existing, Created: false);
                    return null;
                }

                var settings = new NamespaceSettings
                {
                    Name = Name,
                    Shards = spec.Shards,
                    Partitioning = spec.Partitioning,
                    Transactional = spec.Transactional,
                    Replication = spec.Replication,
                    Generation = current.LastGeneration + 1,
                    CreatedAt = time.GetUtcNow(),
                };
                result = new NamespaceCreateResult(settings, Created: true);
                return current with { Current = settings, LastGeneration = settings.Generation };
            });

            // Every create lists the name (idempotent), so a create whose catalog call failed is completed by its retry.
            await Unavailable("list the namespace", () => Catalog.Add(Name));
            return result!;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<bool> Delete()
    {
        await _gate.WaitAsync();
        try
        {
            if (Name == NamespaceSettings.DefaultNamespace)
            {
                return _published.Current is null ? false : throw new InvalidOperationException("The default namespace cannot be deleted.");
            }

            var found = false;
            await Mutate(current =>
            {
                found = current.Current is not null || current.Deleting is not null;
                return current.Current is { } settings ? current with { Current = null, Deleting = settings } : null;
            });
            if (!found)
            {
                return false;
            }

            await FinishDelete();
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Under the gate: drops the shards and the catalog entry of a delete under way, then clears its phase.</summary>
    private async Task FinishDelete()
    {
        if (_stale)
        {
            await Reload();
        }

        if (_published.Deleting is not { } doomed)
        {
            return;
        }

        try
        {
            await Unavailable($"drop the shards of generation {doomed.Generation}", () => Task.WhenAll(Enumerable.Range(0, doomed.Shards).Select(i =>
                doomed.Replication is { Leaderless: true } leaderless
                    ? Task.WhenAll(Enumerable.Range(0, leaderless.Replicas).Select(r => GrainFactory.GetGrain<IVersionedReplicaGrain>(new ReplicaId(doomed.Shard(i), r).ToGrainKey()).Drop()))
                : doomed.Replication is { } replication
                    ? Task.WhenAll(Enumerable.Range(0, replication.Replicas).Select(r => GrainFactory.GetGrain<IReplicaGrain>(new ReplicaId(doomed.Shard(i), r).ToGrainKey()).Drop()))
                : doomed.Transactional
                    ? GrainFactory.GetGrain<ITransactionShardGrain>(doomed.Shard(i).ToGrainKey()).Drop()
                    : GrainFactory.GetGrain<IKeyValueShardGrain>(doomed.Shard(i).ToGrainKey()).Drop())));
            await Unavailable("remove the namespace from the catalog", () => Catalog.Remove(Name));
            await Mutate(current => current.Deleting is null ? null : current with { Deleting = null });
        }
        catch (PlatformUnavailableException ex)
        {
            LogDeleteUnfinished(ex, Name, doomed.Generation, _retry.TotalSeconds);
            ArmResume(_retry);
            _retry = TimeSpan.FromTicks(Math.Min(_retry.Ticks * 2, LastRetry.Ticks));
            throw;
        }

        _retry = FirstRetry;
        _resume?.Dispose();
        _resume = null;
    }

    /// <summary>
    /// One decision on the published state: <paramref name="decide"/> returns the next state (a copy) or null for no
    /// change; the copy is written and only then published. A lost ETag race re-reads and decides once more.
    /// </summary>
    private async Task Mutate(Func<NamespaceState, NamespaceState?> decide)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (_stale)
            {
                await Reload();
            }

            if (decide(_published) is not { } next)
            {
                return;
            }

            state.State = next;
            try
            {
                await state.WriteStateAsync();
            }
            catch (InconsistentStateException ex) when (attempt == 0)
            {
                // Another activation wrote: decide again on what it wrote.
                state.State = _published;
                _stale = true;
                LogConflict(ex, Name);
                continue;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Timeout, throttling, a second lost race: nothing is published; the write may have landed, so re-read.
                state.State = _published;
                _stale = true;
                throw new PlatformUnavailableException($"Namespace '{Name}': its settings could not be persisted ({ex.GetBaseException().Message}); nothing changed that anyone was told of, retry.", ex);
            }

            _published = next;
            return;
        }
    }

    private async Task Reload()
    {
        try
        {
            await state.ReadStateAsync();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            state.State = _published;
            throw new PlatformUnavailableException($"Namespace '{Name}': its settings could not be read ({ex.GetBaseException().Message}); retry.", ex);
        }

        _published = state.State;
        _stale = false;
    }

    private void ArmResume(TimeSpan due)
    {
        if (_resume is null)
        {
            _resume = this.RegisterGrainTimer(OnResume, new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan) { KeepAlive = true });
        }
        else
        {
            _resume.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task OnResume(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            await FinishDelete();
        }
        catch (PlatformUnavailableException)
        {
            // Logged and re-armed by FinishDelete.
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Activates the replicas of a new replicated namespace, one replica of a group after the other (so the placement
    /// director sees each sibling placed before the next) and up to 16 groups at once, so that the groups have elected
    /// leaders by the first writes. Best effort and bounded: a replica that is not up yet is activated by its group's
    /// first message or call.
    /// </summary>
    private async Task WarmGroups(NamespaceSettings settings)
    {
        var replicas = settings.Replication!.Replicas;
        using var lanes = new SemaphoreSlim(16);
        var warm = Task.WhenAll(Enumerable.Range(0, settings.Shards).Select(async shard =>
        {
            await lanes.WaitAsync();
            try
            {
                for (var r = 0; r < replicas; r++)
                {
                    if (settings.Replication.Leaderless)
                    {
                        await GrainFactory.GetGrain<IVersionedReplicaGrain>(new ReplicaId(settings.Shard(shard), r).ToGrainKey()).Status(VersionedGroup.From(settings.Replication));
                    }
                    else
                    {
                        await GrainFactory.GetGrain<IReplicaGrain>(new ReplicaId(settings.Shard(shard), r).ToGrainKey()).Status();
                    }
                }
            }
            finally
            {
                lanes.Release();
            }
        }));
        try
        {
            await warm.WaitAsync(TimeSpan.FromSeconds(10), time);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogWarmUnfinished(ex, Name);
        }
    }

    /// <summary>Runs a call to another grain; any failure but a Platform refusal becomes 503 naming the step.</summary>
    private async Task Unavailable(string step, Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (Exception ex) when (ex is not PlatformException and not OutOfMemoryException)
        {
            throw new PlatformUnavailableException($"Namespace '{Name}': could not {step} ({ex.GetBaseException().Message}); retry (the operation resumes where it stopped).", ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Namespace '{Name}': settings write lost an ETag race; another activation wrote them, re-reading")]
    private partial void LogConflict(Exception exception, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Namespace '{Name}': its replica groups were not all up within the warm-up; they start on first use")]
    private partial void LogWarmUnfinished(Exception exception, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Namespace '{Name}': delete of generation {Generation} not finished; resuming in {DelaySeconds} s")]
    private partial void LogDeleteUnfinished(Exception exception, string name, long generation, double delaySeconds);
}
