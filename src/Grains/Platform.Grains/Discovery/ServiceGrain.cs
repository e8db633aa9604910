using System.Globalization;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Storage;
using Platform.Errors;
using Platform.Locks;

namespace Platform.Discovery;

/// <summary>
/// The registry of one service: instances, their health, a change log for watchers, and the resolve strategies.
/// </summary>
/// <remarks>
/// <para>
/// [Reentrant] so that blocking queries park outside the gate while registrations, heartbeats, probe outcomes and
/// resolves go on. Every read-decide-write happens under <see cref="_gate"/> (an async mutex): decide on a copy of
/// the published state, write it (ETag-checked: a second activation's write loses with InconsistentStateException,
/// dotnet/orleans#9855, and the state is re-read), and only then publish it, append the changes to the log and wake
/// the watchers. So an index is never answered or delivered before it is stored, and never names two changes.
/// </para>
/// <para>
/// TTL registrations are leases of the lease engine (<see cref="ILockGrain"/> <c>lock/discovery/{service}/{id}</c>,
/// owner <see cref="LeaseOwner"/>): a heartbeat renews the lease, whose expiry the lock grain persists, and this
/// grain mirrors it in memory (re-read from the lock grains on activation, so TTLs keep counting across a move).
/// Volatile facts (last probe time and reason, open picks, latencies, ejections, heartbeat arrival times) live in
/// memory only and are overlaid on the persisted instances in every view.
/// </para>
/// </remarks>
[Reentrant]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The gate lives as long as the activation and holds no wait handle.")]
public sealed class ServiceGrain(
    [PersistentState("service")] IPersistentState<ServiceState> state,
    IOptions<DiscoveryOptions> options,
    TimeProvider time,
    DiscoveryMetrics metrics) : Grain, IServiceGrain
{
    /// <summary>The owner of every TTL lease: this grain is the only caller of those leases, owner checks are its own.</summary>
    public const string LeaseOwner = "discovery";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly LinkedList<ServiceChange> _log = new();
    private readonly Dictionary<string, DateTimeOffset> _expiry = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DateTimeOffset At, string Reason, string? Silo)> _lastCheck = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Passes, int Failures)> _counts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _checkerAskedAt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PhiAccrualDetector> _phi = new(StringComparer.Ordinal);
    private ServiceBalancer _balancer = null!;
    private OutlierTracker _outliers = null!;
    private TaskCompletionSource _changed = NewSignal();
    private ServiceState _published = new();
    private long _logFrom;
    private IGrainTimer? _sweep;
    private string _service = "";

    private DiscoveryOptions Limits => options.Value;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _service = this.GetPrimaryKeyString();
        var limits = Limits;
        _balancer = new ServiceBalancer(limits.BoundedLoadFactor, time: time);
        _outliers = new OutlierTracker(limits.EjectionConsecutiveFailures, TimeSpan.FromMilliseconds(limits.BaseEjectionMs), TimeSpan.FromMilliseconds(limits.MaxEjectionMs), limits.MaxEjectionPercent);
        _published = state.State;
        RestoreLog();
        foreach (var (id, ejection) in _published.Ejections)
        {
            _outliers.Restore(id, ejection);
        }

        // TTLs keep counting across activations: the lock grains hold each lease's expiry.
        var ttl = _published.Instances.Values.Where(i => i.Registration.TtlMs is not null).ToList();
        var views = await Task.WhenAll(ttl.Select(i => Lease(i.Id).Get()));
        for (var n = 0; n < ttl.Count; n++)
        {
            var holder = views[n].Holders.FirstOrDefault(h => h.Token == ttl[n].LeaseToken);
            _expiry[ttl[n].Id] = holder?.ExpiresAt ?? DateTimeOffset.MinValue;
        }

        _sweep = this.RegisterGrainTimer(Sweep, new GrainTimerCreationOptions(TimeSpan.Zero, TimeSpan.FromMilliseconds(limits.SweepMs)) { KeepAlive = true });
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _sweep?.Dispose();
        metrics.Remove(_service);
        _changed.TrySetResult();
        return Task.CompletedTask;
    }

    public async Task<(ServiceInstance Instance, bool Created)> Register(string id, ServiceRegistration registration, string? owner, bool admin)
    {
        DiscoveryRules.Check(_service, id, registration, owner, Limits);
        await _gate.WaitAsync();
        try
        {
            var now = time.GetUtcNow();
            var existing = Live(id, now);
            if (existing is not null)
            {
                Authorize(existing, owner, admin);
            }
            else if (_published.Instances.Count(kv => Live(kv.Key, now) is not null) >= Limits.MaxInstancesPerService)
            {
                throw new PlatformConflictException($"Service '{_service}' has {Limits.MaxInstancesPerService} instances, the limit ({DiscoveryOptions.SectionName}:MaxInstancesPerService).");
            }

            var keptOwner = existing is not null && owner is null ? existing.Owner : owner;
            if (existing is not null && Same(existing.Registration, registration) && existing.Owner == keptOwner)
            {
                // The same registration again (a retry): renew its lease, change nothing else.
                if (registration.TtlMs is { } again)
                {
                    await RenewLease(existing, again);
                }

                return (View(existing, now), false);
            }

            long token = 0;
            DateTimeOffset? expires = null;
            if (registration.TtlMs is { } ttlMs)
            {
                (token, expires) = await TakeLease(id, existing?.LeaseToken ?? 0, ttlMs);
            }

            var checkChanged = existing?.Registration.Check != registration.Check;
            var instance = new ServiceInstance
            {
                Id = id,
                Registration = Normalized(registration),
                Owner = keptOwner,
                Health = registration.Check is null ? HealthStatus.Passing : (checkChanged ? HealthStatus.Critical : existing!.Health),
                Reason = registration.Check is null ? null : (checkChanged ? "awaiting the first check" : existing!.Reason),
                CriticalSince = registration.Check is not null && checkChanged ? now : existing?.CriticalSince,
                ExpiresAt = expires,
                LeaseToken = token,
                RegisteredAt = existing?.RegisteredAt ?? now,
            };
            if (registration.Check is null)
            {
                instance = instance with { CriticalSince = null };
            }

            if (existing is null)
            {
                await GrainFactory.GetGrain<IServiceCatalogGrain>("catalog").Add(_service);
            }

            var stored = await Commit([(existing is null ? ServiceChangeKind.Registered : ServiceChangeKind.Updated, id, instance, null)]);
            if (expires is { } e)
            {
                _expiry[id] = e;
            }
            else
            {
                _expiry.Remove(id);
            }

            if (checkChanged)
            {
                _counts.Remove(id);
                _lastCheck.Remove(id);
                _checkerAskedAt.Remove(id);
            }

            if (registration.PhiThreshold is not null && !_phi.ContainsKey(id))
            {
                _phi[id] = new PhiAccrualDetector();
                _phi[id].Heartbeat(now);
            }
            else if (registration.PhiThreshold is null)
            {
                _phi.Remove(id);
            }

            var result = stored[0];
            if (checkChanged && existing?.Registration.Check is not null && registration.Check is null)
            {
                await Checker(id).Stop(0);
            }

            if (result.Registration.Check is not null)
            {
                await EnsureChecker(result, now);
            }

            return (View(result, now), existing is null);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<ServiceInstance> Heartbeat(string id, string? owner, bool admin)
    {
        DiscoveryRules.Name(id, "id");
        DiscoveryRules.Owner(owner, Limits);
        await _gate.WaitAsync();
        try
        {
            var now = time.GetUtcNow();
            var instance = Live(id, now) ?? throw new PlatformNotFoundException($"Instance '{id}' of service '{_service}' is not registered (or its TTL ran out).");
            Authorize(instance, owner, admin);
            if (instance.Registration.TtlMs is not { } ttl)
            {
                throw new PlatformConflictException($"Instance '{id}' of service '{_service}' has no TTL: it has nothing to renew.");
            }

            await RenewLease(instance, ttl);
            if (_phi.TryGetValue(id, out var detector))
            {
                detector.Heartbeat(now);
            }

            return View(instance, now);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<bool> Deregister(string id, string? owner, bool admin)
    {
        DiscoveryRules.Name(id, "id");
        DiscoveryRules.Owner(owner, Limits);
        await _gate.WaitAsync();
        try
        {
            var now = time.GetUtcNow();
            if (Live(id, now) is not { } instance)
            {
                return false;
            }

            Authorize(instance, owner, admin);
            await Remove([(instance, "deregistered")]);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<ServiceView> Get(long? afterIndex, int waitMs, CancellationToken cancellationToken = default)
    {
        if (afterIndex is { } after && waitMs > 0)
        {
            await WaitAfter(after, waitMs, cancellationToken);
        }

        var view = Snapshot();
        if (afterIndex is not { } from)
        {
            return view;
        }

        if (from < _logFrom || from > _published.Index)
        {
            return view with { Reset = true };
        }

        return view with { Changes = ChangesAfter(from) };
    }

    public async Task<ServiceDelta> Changes(long afterIndex, int waitMs, CancellationToken cancellationToken = default)
    {
        if (waitMs > 0)
        {
            await WaitAfter(afterIndex, waitMs, cancellationToken);
        }

        // One turn, no await from here: the published state and the log are read as of one index.
        if (afterIndex < _logFrom || afterIndex > _published.Index)
        {
            return new ServiceDelta { Index = _published.Index, Snapshot = Snapshot() with { Reset = true } };
        }

        return new ServiceDelta { Index = _published.Index, Changes = ChangesAfter(afterIndex) };
    }

    // Parks a blocking query (the grain is reentrant, so outside the gate) until the next change or the wait ends.
    private async Task WaitAfter(long after, int waitMs, CancellationToken cancellationToken)
    {
        if (after < _published.Index)
        {
            return;
        }

        var changed = _changed.Task;
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAny(changed, Task.Delay(TimeSpan.FromMilliseconds(Math.Min(waitMs, Limits.MaxWaitMs)), time, wait.Token));

        // A wait a change ended drops its timer now rather than holding it for the rest of MaxWaitMs.
        await wait.CancelAsync();
    }

    private ServiceView Snapshot()
    {
        var now = time.GetUtcNow();
        var instances = _published.Instances.Values
            .Where(i => Live(i.Id, now) is not null)
            .OrderBy(i => i.Id, StringComparer.Ordinal)
            .Select(i => View(i, now))
            .ToList();
        return new ServiceView { Service = _service, Index = _published.Index, Instances = instances, RetainedFrom = _logFrom };
    }

    // The log's changes after an index, found from the newest end (a watcher is usually one or two changes behind).
    private List<ServiceChange> ChangesAfter(long from)
    {
        var node = _log.Last;
        var count = 0;
        while (node is not null && node.Value.Index > from)
        {
            node = node.Previous;
            count++;
        }

        var changes = new List<ServiceChange>(count);
        for (var n = node is null ? _log.First : node.Next; n is not null; n = n.Next)
        {
            changes.Add(n.Value);
        }

        return changes;
    }

    public Task<ServiceInstance?> Resolve(ResolveRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        var healthy = _published.Instances.Values.Where(i => Routable(i, now)).ToList();
        var picked = _balancer.Pick(healthy, request);
        return Task.FromResult(picked is null ? null : View(picked, now));
    }

    public async Task<bool> Report(string id, OutcomeReport outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var now = time.GetUtcNow();
        if (Live(id, now) is null)
        {
            return false;
        }

        _balancer.Report(id, outcome.LatencyMs, outcome.ClosesPick);
        if (!_outliers.Report(id, outcome.Success, now, _published.Instances.Count))
        {
            return true;
        }

        // An ejection is written with the row (ETag-checked, no new index: watchers see no change), so it holds when
        // the grain moves. Only ejections write; the outcomes between them stay in memory.
        await _gate.WaitAsync();
        try
        {
            await Write(_published with { Ejections = EjectionsOf(_published.Instances) });
        }
        finally
        {
            _gate.Release();
        }

        return true;
    }

    public async Task<bool> ReportCheck(string id, CheckResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        await _gate.WaitAsync();
        try
        {
            var now = time.GetUtcNow();
            if (Live(id, now) is not { Registration.Check: { } check } instance)
            {
                return false;
            }

            if (result.Generation != instance.ModifyIndex)
            {
                // A checker of an earlier registration: the current one was started with the new generation.
                return result.Generation > instance.ModifyIndex;
            }

            _lastCheck[id] = (result.At, result.Reason, result.Silo);
            _checkerAskedAt[id] = now;
            var (passes, failures) = _counts.GetValueOrDefault(id);
            var (health, p, f) = CheckRules.Next(instance.Health, passes, failures, check, result.Passed);
            _counts[id] = (p, f);
            if (health != instance.Health)
            {
                var reason = result.Passed
                    ? $"passed {p} of {check.Rise} in a row: {result.Reason}"
                    : $"failed {f} of {check.Fall} in a row: {result.Reason}";
                await Commit([(ServiceChangeKind.Health, id, instance with
                {
                    Health = health,
                    Reason = reason,
                    LastCheckAt = result.At,
                    CriticalSince = health == HealthStatus.Critical ? (instance.CriticalSince ?? now) : null,
                }, reason)], keepGeneration: true);
            }

            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    // Expired TTLs, phi over its threshold, critical past deregisterAfterMs, and checkers that went quiet (their
    // silo died): each sweep re-asks those, which activates them again on a live silo.
    private async Task Sweep(CancellationToken cancellationToken)
    {
        if (!await _gate.WaitAsync(0, cancellationToken))
        {
            return;
        }

        try
        {
            var now = time.GetUtcNow();
            var gone = new List<(ServiceInstance, string)>();
            var health = new List<(ServiceChangeKind, string, ServiceInstance?, string?)>();
            foreach (var instance in _published.Instances.Values)
            {
                if (instance.Registration.TtlMs is not null && _expiry.GetValueOrDefault(instance.Id) <= now)
                {
                    gone.Add((instance, "ttl expired: no heartbeat within " + instance.Registration.TtlMs.Value.ToString(CultureInfo.InvariantCulture) + " ms"));
                }
                else if (instance.Registration.Check?.DeregisterAfterMs is { } after && instance.Health == HealthStatus.Critical
                    && instance.CriticalSince is { } since && now - since >= TimeSpan.FromMilliseconds(after))
                {
                    gone.Add((instance, $"critical for deregisterAfterMs ({after} ms)"));
                }
                else if (instance.Registration.PhiThreshold is { } threshold && _phi.TryGetValue(instance.Id, out var detector))
                {
                    var phi = detector.Phi(now);
                    var next = phi >= threshold ? HealthStatus.Critical : phi >= threshold / 2 ? HealthStatus.Warning : HealthStatus.Passing;
                    if (next != instance.Health)
                    {
                        var reason = string.Create(CultureInfo.InvariantCulture, $"heartbeat phi {phi:0.0} (threshold {threshold:0.0})");
                        health.Add((ServiceChangeKind.Health, instance.Id, instance with { Health = next, Reason = reason, CriticalSince = next == HealthStatus.Critical ? now : null }, reason));
                    }
                }
            }

            if (gone.Count > 0)
            {
                await Remove(gone);
            }

            if (health.Count > 0)
            {
                await Commit(health, keepGeneration: true);
            }

            foreach (var instance in _published.Instances.Values)
            {
                if (instance.Registration.Check is { } check)
                {
                    var quiet = TimeSpan.FromMilliseconds((2 * check.IntervalMs) + check.TimeoutMs);
                    if (!_checkerAskedAt.TryGetValue(instance.Id, out var asked) || now - asked > quiet)
                    {
                        await EnsureChecker(instance, now);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is PlatformException or InconsistentStateException or TimeoutException)
        {
            // The next sweep tries again.
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task EnsureChecker(ServiceInstance instance, DateTimeOffset now)
    {
        _checkerAskedAt[instance.Id] = now;
        var r = instance.Registration;
        try
        {
            await Checker(instance.Id).Ensure(new HealthCheckTarget
            {
                Service = _service,
                InstanceId = instance.Id,
                Address = r.Address,
                Port = r.Port,
                Scheme = r.Scheme,
                Check = r.Check!,
                Generation = instance.ModifyIndex,
            });
        }
        catch (Exception ex) when (ex is TimeoutException or SiloUnavailableException or OrleansMessageRejectionException)
        {
            // Its silo is going away; the next sweep asks again, which places it on a live silo.
        }
    }

    private async Task Remove(List<(ServiceInstance Instance, string Reason)> gone)
    {
        await Commit([.. gone.Select(g => (ServiceChangeKind.Deregistered, g.Instance.Id, (ServiceInstance?)null, (string?)g.Reason))]);
        foreach (var (instance, _) in gone)
        {
            _expiry.Remove(instance.Id);
            _counts.Remove(instance.Id);
            _lastCheck.Remove(instance.Id);
            _checkerAskedAt.Remove(instance.Id);
            _phi.Remove(instance.Id);
            _outliers.Forget(instance.Id);
            if (instance.LeaseToken != 0)
            {
                await Lease(instance.Id).Release(LeaseOwner, instance.LeaseToken);
            }

            if (instance.Registration.Check is not null)
            {
                await Checker(instance.Id).Stop(0);
            }
        }

        _balancer.Retain(_published.Instances.Keys);
        if (_published.Instances.Count == 0)
        {
            await GrainFactory.GetGrain<IServiceCatalogGrain>("catalog").Remove(_service);
        }
    }

    /// <summary>Writes the changes as the next indexes (ETag-checked), then publishes them, logs them and wakes the watchers.</summary>
    private async Task<List<ServiceInstance>> Commit(List<(ServiceChangeKind Kind, string Id, ServiceInstance? Instance, string? Reason)> changes, bool keepGeneration = false)
    {
        var published = _published;
        var instances = new Dictionary<string, ServiceInstance>(published.Instances, StringComparer.Ordinal);
        var index = published.Index;
        var log = new List<ServiceChange>(changes.Count);
        var stored = new List<ServiceInstance>(changes.Count);
        foreach (var (kind, id, instance, reason) in changes)
        {
            index++;
            if (instance is null)
            {
                instances.Remove(id);
                log.Add(new ServiceChange { Index = index, Kind = kind, InstanceId = id, Reason = reason });
                continue;
            }

            // The generation (checkers) is the index of the registration or update; health changes keep it.
            var next = keepGeneration ? instance : instance with { ModifyIndex = index };
            instances[id] = next;
            stored.Add(next);
            log.Add(new ServiceChange { Index = index, Kind = kind, InstanceId = id, Instance = next, Reason = reason });
        }

        await Write(new ServiceState { Index = index, Instances = instances, RecentChanges = StoredTail(log, instances), Ejections = EjectionsOf(instances) });
        metrics.Report(_service, _published.Instances.Values);
        foreach (var change in log)
        {
            _log.AddLast(change);
        }

        while (_log.Count > Limits.ChangeLogSize)
        {
            _logFrom = _log.First!.Value.Index;
            _log.RemoveFirst();
        }

        Signal();
        return stored;
    }

    /// <summary>Writes the next state (ETag-checked) and publishes it; a lost race re-reads storage and throws.</summary>
    private async Task Write(ServiceState next)
    {
        var published = _published;
        state.State = next;
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            state.State = published;
            if (ex is InconsistentStateException)
            {
                // Another activation wrote: start over from storage; watchers behind it get a reset.
                await state.ReadStateAsync();
                _published = state.State;
                RestoreLog();
                Signal();
            }

            throw;
        }

        _published = next;
    }

    // The newest PersistedChanges changes as stored: one whose instance is still the current one (the common case)
    // goes without it, so each write serializes each instance about once rather than once per retained change.
    // The full changes are the in-memory log's; the new ones follow it.
    private List<ServiceChange> StoredTail(List<ServiceChange> added, Dictionary<string, ServiceInstance> instances)
    {
        var keep = Limits.PersistedChanges;
        var fromLog = Math.Clamp(keep - added.Count, 0, _log.Count);
        var tail = new List<ServiceChange>(Math.Min(keep, fromLog + added.Count));
        var node = _log.Last;
        for (var i = 1; i < fromLog; i++)
        {
            node = node!.Previous;
        }

        for (var n = fromLog > 0 ? node : null; n is not null; n = n.Next)
        {
            tail.Add(Stored(n.Value));
        }

        for (var i = Math.Max(0, added.Count - keep); i < added.Count; i++)
        {
            tail.Add(Stored(added[i]));
        }

        return tail;

        ServiceChange Stored(ServiceChange c) =>
            c.Instance is { } after && instances.TryGetValue(c.InstanceId, out var current) && ReferenceEquals(after, current) ? c with { Instance = null } : c;
    }

    private Dictionary<string, OutlierEjection> EjectionsOf(Dictionary<string, ServiceInstance> instances) =>
        _outliers.Ejected().Where(e => instances.ContainsKey(e.Id)).ToDictionary(e => e.Id, e => e.Ejection, StringComparer.Ordinal);

    // The persisted tail of the change log (contiguous up to the stored index) is where watchers resume after a move;
    // a change stored without its instance gets the current one back (it was the current one when stored).
    private void RestoreLog()
    {
        _log.Clear();
        foreach (var change in _published.RecentChanges)
        {
            _log.AddLast(change.Instance is null && change.Kind != ServiceChangeKind.Deregistered && _published.Instances.TryGetValue(change.InstanceId, out var current)
                ? change with { Instance = current }
                : change);
        }

        _logFrom = _log.First is { } first ? first.Value.Index - 1 : _published.Index;
    }

    private void Signal()
    {
        var changed = _changed;
        _changed = NewSignal();
        changed.TrySetResult();
    }

    private async Task<(long Token, DateTimeOffset Expires)> TakeLease(string id, long held, int ttlMs)
    {
        var lease = Lease(id);
        if (held != 0)
        {
            var renewed = await lease.Renew(LeaseOwner, held, ttlMs);
            if (renewed is { Status: LeaseStatus.Ok, Lease: { } kept })
            {
                return (kept.Token, kept.ExpiresAt);
            }
        }

        var result = await lease.Acquire(new LeaseRequest { Owner = LeaseOwner, LeaseMs = ttlMs, WaitMs = 0 });
        if (result is { Status: LeaseStatus.Ok, Lease: { } granted })
        {
            return (granted.Token, granted.ExpiresAt);
        }

        // Ours from an earlier registration that never got stored: take it over.
        if (result.Holders.FirstOrDefault(h => h.Owner == LeaseOwner) is { } mine
            && await lease.Renew(LeaseOwner, mine.Token, ttlMs) is { Status: LeaseStatus.Ok, Lease: { } adopted })
        {
            return (adopted.Token, adopted.ExpiresAt);
        }

        throw new PlatformUnavailableException($"The TTL lease of instance '{id}' could not be taken ({result.Status}: {result.Detail}); retry.");
    }

    private async Task RenewLease(ServiceInstance instance, int ttlMs)
    {
        var renewed = await Lease(instance.Id).Renew(LeaseOwner, instance.LeaseToken, ttlMs);
        if (renewed is not { Status: LeaseStatus.Ok, Lease: { } lease })
        {
            // The lease ended (its expiry raced this heartbeat): the instance is gone, as the sweep will record.
            _expiry[instance.Id] = DateTimeOffset.MinValue;
            throw new PlatformNotFoundException($"Instance '{instance.Id}' of service '{_service}' is not registered (its TTL ran out).");
        }

        _expiry[instance.Id] = lease.ExpiresAt;
    }

    private ServiceInstance? Live(string id, DateTimeOffset now) =>
        _published.Instances.TryGetValue(id, out var instance) && (instance.Registration.TtlMs is null || _expiry.GetValueOrDefault(id) > now) ? instance : null;

    private bool Routable(ServiceInstance instance, DateTimeOffset now) =>
        instance.Health != HealthStatus.Critical && Live(instance.Id, now) is not null && !_outliers.IsEjected(instance.Id, now);

    private ServiceInstance View(ServiceInstance instance, DateTimeOffset now)
    {
        var view = instance with
        {
            ExpiresAt = instance.Registration.TtlMs is null ? null : _expiry.GetValueOrDefault(instance.Id),
            EjectedUntil = _outliers.EjectedUntil(instance.Id, now),
        };
        if (_lastCheck.TryGetValue(instance.Id, out var check))
        {
            view = view with { LastCheckAt = check.At, CheckedBy = check.Silo, Reason = instance.Health == HealthStatus.Passing ? check.Reason : instance.Reason };
        }

        return view;
    }

    private static void Authorize(ServiceInstance instance, string? owner, bool admin)
    {
        if (instance.Owner is not null && instance.Owner != owner && !admin)
        {
            throw new PlatformConflictException($"Instance '{instance.Id}' belongs to another owner: send its Platform-Owner-Token (or the Platform-Admin-Token).");
        }
    }

    private static ServiceRegistration Normalized(ServiceRegistration r) => r with
    {
        Metadata = r.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
        Tags = r.Tags.ToList(),   // a List: JSON grain storage names the runtime type, and a collection expression's synthesized one cannot be re-created
    };

    private static bool Same(ServiceRegistration a, ServiceRegistration b) =>
        a.Address == b.Address && a.Port == b.Port && a.Scheme == b.Scheme && a.Weight == b.Weight && a.Zone == b.Zone && a.TtlMs == b.TtlMs
        && a.Check == b.Check && a.PhiThreshold == b.PhiThreshold && a.Tags.SequenceEqual(b.Tags)
        && a.Metadata.Count == b.Metadata.Count && a.Metadata.All(kv => b.Metadata.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private ILockGrain Lease(string id) => GrainFactory.GetGrain<ILockGrain>(LeaseKeys.For(LeaseKind.Lock, $"discovery/{_service}/{id}"));

    private IHealthCheckGrain Checker(string id) => GrainFactory.GetGrain<IHealthCheckGrain>(HealthCheckTarget.Key(_service, id));

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
