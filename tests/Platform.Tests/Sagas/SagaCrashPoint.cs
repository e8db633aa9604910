using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using Platform.Sagas;
using Platform.Testing.Storage;

namespace Platform.Tests.Sagas;

/// <summary>
/// Test-only fault hook for saga instances: every silo's <see cref="SagaInstanceGrain.StorageName"/> storage is one
/// <see cref="SharedGrainStore"/> (outliving silos, ETag-checked), decorated here. Once armed, the first instance
/// write on an eligible silo that matches the boundary kills that silo's saga storage: the write is stored first
/// (<see cref="SagaCrashBoundary.StoreThenDie"/>) or never, and from then on every storage call of that silo hangs
/// until <see cref="Release"/> and then fails, so nothing the silo does afterwards reaches storage: as far as the
/// rest of the cluster can tell, the process died there. The test then kills the silo.
/// </summary>
internal sealed class SagaCrashPoint
{
    private readonly Lock _gate = new();
    private TaskCompletionSource<(SiloAddress Silo, string Instance)> _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource _released = new();
    private SagaCrashBoundary? _boundary;
    private HashSet<SiloAddress> _eligible = [];
    private SiloAddress? _dead;

    public SharedGrainStore Store { get; } = new();

    /// <summary>The silo and the instance the armed point crashed in.</summary>
    public Task<(SiloAddress Silo, string Instance)> Reached
    {
        get
        {
            lock (_gate)
            {
                return _reached.Task;
            }
        }
    }

    /// <summary>
    /// Crashes the first eligible silo whose instance write matches <paramref name="boundary"/>; a point used before
    /// must have been released (its dead silo killed), and is revived for this round.
    /// </summary>
    public void Arm(SagaCrashBoundary boundary, IEnumerable<SiloAddress> eligible)
    {
        lock (_gate)
        {
            _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
            _released = new();
            _dead = null;
            _eligible = eligible.ToHashSet();
            _boundary = boundary;
        }
    }

    /// <summary>Lets the hung calls of the crashed silo fail (call after the silo was killed).</summary>
    public void Release()
    {
        lock (_gate)
        {
            _released.Cancel();
        }
    }

    /// <summary>Registers the decorated shared storage on a silo (call after AddPlatformGrains).</summary>
    public void Install(ISiloBuilder silo) =>
        silo.Services.AddKeyedSingleton<IGrainStorage>(SagaInstanceGrain.StorageName, (sp, _) =>
            new Storage(new SharedGrainStorage(Store, sp.GetRequiredService<DeepCopier>()), this, sp.GetRequiredService<ILocalSiloDetails>()));

    private bool IsDead(SiloAddress silo)
    {
        lock (_gate)
        {
            return silo.Equals(_dead);
        }
    }

    /// <summary>True (and the point is spent) when this write is the armed boundary on an eligible silo.</summary>
    private bool TryCrash(SiloAddress silo, string instance, SagaInstanceState? before, SagaInstanceState next)
    {
        lock (_gate)
        {
            if (_boundary is not { } boundary || _dead is not null || !_eligible.Contains(silo) || !boundary.Matches(instance, before, next))
            {
                return false;
            }

            _dead = silo;
            _boundary = null;
            _reached.TrySetResult((silo, instance));
            return true;
        }
    }

    private async Task Hang()
    {
        CancellationToken released;
        lock (_gate)
        {
            released = _released.Token;
        }

        await Task.Delay(Timeout.Infinite, released).ContinueWith(static _ => { }, TaskScheduler.Default);
        throw new IOException("the silo crashed (test fault hook): this storage call never completed");
    }

    private sealed class Storage(IGrainStorage inner, SagaCrashPoint point, ILocalSiloDetails local) : IGrainStorage
    {
        public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            if (point.IsDead(local.SiloAddress))
            {
                await point.Hang();
            }

            await inner.ReadStateAsync(stateName, grainId, grainState);
        }

        public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            var silo = local.SiloAddress;
            if (point.IsDead(silo))
            {
                await point.Hang();
            }

            if (grainState.State is SagaInstanceState next)
            {
                var before = point.Store.Rows.TryGetValue(SharedGrainStore.Key(stateName, grainId), out var row) ? row.State as SagaInstanceState : null;
                var boundary = point.Peek();
                if (boundary is not null && point.TryCrash(silo, grainId.Key.ToString()!, before, next))
                {
                    if (boundary.StoreThenDie)
                    {
                        await inner.WriteStateAsync(stateName, grainId, grainState);
                    }

                    await point.Hang();
                }
            }

            await inner.WriteStateAsync(stateName, grainId, grainState);
        }

        public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            if (point.IsDead(local.SiloAddress))
            {
                await point.Hang();
            }

            await inner.ClearStateAsync(stateName, grainId, grainState);
        }
    }

    private SagaCrashBoundary? Peek()
    {
        lock (_gate)
        {
            return _boundary;
        }
    }
}
