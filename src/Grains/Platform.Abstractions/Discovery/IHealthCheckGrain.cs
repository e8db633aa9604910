namespace Platform.Discovery;

/// <summary>
/// Runs one instance's active check (key: <c>{service}/{id}</c>), placed by hash of its key so checks spread over
/// the silos. Guarantee: while its service grain keeps asking (<see cref="Ensure"/>), a probe runs every interval on
/// some live silo, and each outcome carries the generation it was started for.
/// </summary>
[Alias("Platform.Discovery.IHealthCheckGrain")]
public interface IHealthCheckGrain : IGrainWithStringKey
{
    /// <summary>Starts (or keeps) probing this target; a later generation replaces an earlier one. Answers the silo it runs on.</summary>
    [Alias("Ensure")]
    Task<string> Ensure(HealthCheckTarget target);

    /// <summary>Stops probing when <paramref name="generation"/> is the one running (or any, with 0).</summary>
    [Alias("Stop")]
    Task Stop(long generation);
}
