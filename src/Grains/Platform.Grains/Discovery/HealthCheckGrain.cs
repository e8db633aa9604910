using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace Platform.Discovery;

/// <summary>
/// Runs one instance's active check on a grain timer and sends every outcome to the service grain. Hash-based
/// placement (the grain id's hash modulo the live silos), so checkers spread evenly over the silos whatever silo
/// the service grain runs on; a silo's loss ends its checkers, and the service grain's sweep re-creates each on a
/// live silo. [Reentrant]: Ensure and Stop are served while a probe's outcome is on its way to the service grain
/// (which may be calling Ensure at that moment: without it the two would wait on each other).
/// </summary>
[HashBasedPlacement]
[Orleans.Concurrency.Reentrant]
public sealed partial class HealthCheckGrain(IHealthProbe probe, ILocalSiloDetails silo, TimeProvider time, ILogger<HealthCheckGrain> logger) : Grain, IHealthCheckGrain
{
    private HealthCheckTarget? _target;
    private IGrainTimer? _timer;

    public Task<string> Ensure(HealthCheckTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (_target is null || _target.Generation != target.Generation || _timer is null)
        {
            _timer?.Dispose();
            _target = target;
            var interval = TimeSpan.FromMilliseconds(target.Check.IntervalMs);
            _timer = this.RegisterGrainTimer(Tick, new GrainTimerCreationOptions(TimeSpan.Zero, interval) { KeepAlive = true });
        }

        return Task.FromResult(silo.SiloAddress.ToString());
    }

    public Task Stop(long generation)
    {
        if (generation == 0 || _target?.Generation == generation)
        {
            StopProbing();
        }

        return Task.CompletedTask;
    }

    private async Task Tick(CancellationToken cancellationToken)
    {
        if (_target is not { } target)
        {
            return;
        }

        (bool Passed, string Reason) outcome;
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(target.Check.TimeoutMs), time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken))
        {
            try
            {
                outcome = await probe.ProbeAsync(target, linked.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                outcome = (false, $"timed out after {target.Check.TimeoutMs} ms");
            }
        }

        if (!ReferenceEquals(target, _target))
        {
            return;
        }

        var result = new CheckResult { Passed = outcome.Passed, Reason = outcome.Reason, At = time.GetUtcNow(), Generation = target.Generation, Silo = silo.SiloAddress.ToString() };
        var keep = await GrainFactory.GetGrain<IServiceGrain>(target.Service).ReportCheck(target.InstanceId, result);
        if (!keep && ReferenceEquals(target, _target))
        {
            LogStopped(target.Service, target.InstanceId);
            StopProbing();
        }
    }

    private void StopProbing()
    {
        _timer?.Dispose();
        _timer = null;
        _target = null;
        DeactivateOnIdle();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Check of {Service}/{Instance} stopped: the instance is gone or has no check")]
    private partial void LogStopped(string service, string instance);
}
