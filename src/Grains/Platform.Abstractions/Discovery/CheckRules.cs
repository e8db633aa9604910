namespace Platform.Discovery;

/// <summary>
/// Rise and fall (HAProxy's rule): a passing instance that fails a probe turns warning (still resolved) and critical
/// after <c>fall</c> failures in a row; a critical one turns passing after <c>rise</c> passes in a row; a warning one
/// is passing again at its next pass. Pure.
/// </summary>
public static class CheckRules
{
    /// <summary>The health after one probe, with the updated counts in a row.</summary>
    public static (HealthStatus Health, int Passes, int Failures) Next(HealthStatus current, int passes, int failures, HealthCheckSpec check, bool passed)
    {
        ArgumentNullException.ThrowIfNull(check);
        if (passed)
        {
            passes++;
            failures = 0;
            var health = current == HealthStatus.Critical && passes < check.Rise ? HealthStatus.Critical : HealthStatus.Passing;
            return (health, passes, failures);
        }

        failures++;
        passes = 0;
        return (current == HealthStatus.Critical || failures >= check.Fall ? HealthStatus.Critical : HealthStatus.Warning, passes, failures);
    }
}
