using System.Globalization;
using Microsoft.Extensions.Time.Testing;

namespace Platform.Testing.Waiting;

/// <summary>Moving a <see cref="FakeTimeProvider"/> forward while the code under test catches up.</summary>
public static class FakeTimeExtensions
{
    /// <summary>
    /// Advances <paramref name="time"/> by <paramref name="step"/> at a time, pausing briefly on the wall clock after each
    /// step so that timers and delays which fired can run, until <paramref name="condition"/> holds. Never advances more
    /// than <paramref name="limit"/> in total: a test states the fake time within which the outcome must happen (for
    /// a renewal, less than the lease) and fails, naming it, when it did not. Returns the fake time advanced.
    /// </summary>
    public static async Task<TimeSpan> AdvanceUntilAsync(this FakeTimeProvider time, Func<bool> condition, TimeSpan step, TimeSpan limit, string what, Func<string>? state = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(condition);
        if (step <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(step), "must be positive");
        }

        var advanced = TimeSpan.Zero;
        while (true)
        {
            // Each step gets a moment of real time: continuations of the fired timers run on the thread pool.
            for (var settle = 0; settle < 10 && !condition(); settle++)
            {
                await Task.Delay(10);
            }

            if (condition())
            {
                return advanced;
            }

            if (advanced + step > limit)
            {
                throw new EventuallyTimeoutException(string.Create(CultureInfo.InvariantCulture,
                    $"Advanced fake time by {advanced.TotalMilliseconds:F0} ms (limit {limit.TotalMilliseconds:F0} ms, steps of {step.TotalMilliseconds:F0} ms) and {what} did not happen{(state is null ? "" : "; " + state())}"));
            }

            time.Advance(step);
            advanced += step;
        }
    }
}
