namespace Platform.Discovery;

/// <summary>Runs one active probe (HTTP GET or TCP connect); the silo host supplies it (<c>HealthProbe</c>), tests may replace it.</summary>
public interface IHealthProbe
{
    /// <summary>Whether the target passed and why; never throws for the target's failures (a timeout is a failure).</summary>
    Task<(bool Passed, string Reason)> ProbeAsync(HealthCheckTarget target, CancellationToken cancellationToken);
}
