using System.Collections.Concurrent;
using System.Globalization;
using Orleans.Storage;

namespace Platform.Testing.Storage;

/// <summary>
/// The rows of one logical grain store, shared by every silo given it and outliving them: tests pass the instance to
/// <see cref="Cluster.PlatformTestClusterOptions"/> (no static registry), and may change rows behind the grains' backs
/// as another activation's write would.
/// </summary>
public sealed class SharedGrainStore
{
    private readonly Lock _gate = new();
    private long _etags;

    public ConcurrentDictionary<string, (object State, string ETag)> Rows { get; } = new(StringComparer.Ordinal);

    /// <summary>Changes a stored state behind the grains' backs, new ETag included.</summary>
    public void Tamper<T>(Func<string, bool> match, Action<T> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_gate)
        {
            var key = Rows.Keys.Single(match);
            var (state, _) = Rows[key];
            change((T)state);
            Rows[key] = (state, NextETag());
        }
    }

    /// <summary>Deletes a stored state behind the grains' backs (a lost row).</summary>
    public void Remove(Func<string, bool> match)
    {
        lock (_gate)
        {
            Rows.TryRemove(Rows.Keys.Single(match), out _);
        }
    }

    /// <summary>The row key of one grain's state.</summary>
    public static string Key(string stateName, GrainId grainId) => $"{stateName}|{grainId}";

    /// <summary>Writes (or, with a null state, deletes) a row if <paramref name="expected"/> is its current ETag; returns the new ETag.</summary>
    internal string? Write(string key, string? expected, object? state)
    {
        lock (_gate)
        {
            var current = Rows.TryGetValue(key, out var row) ? row.ETag : null;
            if (current != expected)
            {
                throw new InconsistentStateException($"ETag mismatch on {key}: stored {current}, presented {expected}.", current, expected);
            }

            if (state is null)
            {
                Rows.TryRemove(key, out _);
                return null;
            }

            var etag = NextETag();
            Rows[key] = (state, etag);
            return etag;
        }
    }

    private string NextETag() => Interlocked.Increment(ref _etags).ToString(CultureInfo.InvariantCulture);
}
