using System.Diagnostics;
using System.Globalization;

namespace Platform.Testing.Waiting;

/// <summary>
/// Polls until something holds, by the wall clock, with a generous timeout (the box is shared): the one way tests
/// wait for an outcome they cannot await directly. A timeout throws <see cref="EventuallyTimeoutException"/> naming
/// what was awaited, how long and how often it was checked, and the last value or error seen.
/// </summary>
public static class Eventually
{
    /// <summary>Default patience: long enough for a loaded 2-core box, short enough to fail a hung test.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Default pause between checks.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Waits until <paramref name="condition"/> is true; <paramref name="state"/> describes the world for the timeout message.</summary>
    public static Task Until(Func<bool> condition, string what, TimeSpan? timeout = null, Func<string>? state = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return Until(_ => Task.FromResult(condition()), what, timeout, state, cancellationToken);
    }

    /// <summary>Waits until the asynchronous <paramref name="condition"/> answers true.</summary>
    public static async Task Until(Func<CancellationToken, Task<bool>> condition, string what, TimeSpan? timeout = null, Func<string>? state = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        await Until(condition, ok => ok, what, new EventuallyOptions { Timeout = timeout, Describe = state is null ? null : _ => state() }, cancellationToken);
    }

    /// <summary>
    /// Calls <paramref name="probe"/> until its answer satisfies <paramref name="done"/> and returns that answer.
    /// Exceptions the options' <see cref="EventuallyOptions.RetryOn"/> accepts count as "not yet" (and are reported on
    /// timeout); any other exception ends the wait at once.
    /// </summary>
    public static async Task<T> Until<T>(Func<CancellationToken, Task<T>> probe, Func<T, bool> done, string what, EventuallyOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(done);
        options ??= new EventuallyOptions();
        var timeout = options.Timeout ?? DefaultTimeout;
        var interval = options.Interval ?? DefaultInterval;
        var watch = Stopwatch.StartNew();
        var checks = 0;
        var last = "(not checked yet)";
        while (true)
        {
            checks++;
            try
            {
                var value = await probe(cancellationToken);
                if (done(value))
                {
                    return value;
                }

                last = options.Describe is { } describe ? describe(value) : value?.ToString() ?? "null";
            }
            catch (Exception ex) when (options.RetryOn?.Invoke(ex) == true && !cancellationToken.IsCancellationRequested)
            {
                last = $"{ex.GetType().Name}: {ex.Message}";
            }

            if (watch.Elapsed >= timeout)
            {
                throw new EventuallyTimeoutException(string.Create(CultureInfo.InvariantCulture,
                    $"Waited {watch.Elapsed.TotalSeconds:F1} s (timeout {timeout.TotalSeconds:F0} s, {checks} checks) for {what}; last: {last}"));
            }

            await Task.Delay(interval, cancellationToken);
        }
    }
}
