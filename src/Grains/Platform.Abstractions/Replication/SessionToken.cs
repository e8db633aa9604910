using System.Globalization;
using System.Text;
using Platform.Validation;

namespace Platform.Replication;

/// <summary>
/// A session's progress per namespace and shard (HTTP <c>Platform-Session</c>): for each shard of a replicated
/// namespace, the highest log index the client has written or read there. A read carrying it is served only by a
/// replica that has applied that index, which gives read-your-writes and monotonic reads. Text form:
/// <c>{namespace}@{generation}:{shard}.{index},...</c>, several namespaces separated by <c>;</c>
/// (<c>orders@3:0.15,7.2;users@1:4.9</c>). A namespace's entry for another generation is ignored (it was re-created).
/// </summary>
public sealed class SessionToken
{
    /// <summary>The header that carries it, in requests and answers.</summary>
    public const string Header = "Platform-Session";

    /// <summary>Longest token accepted, in characters.</summary>
    public const int MaxLength = 16 * 1024;

    private readonly SortedDictionary<string, (long Generation, SortedDictionary<int, long> Shards)> _namespaces = new(StringComparer.Ordinal);

    public static SessionToken Empty => new();

    public bool IsEmpty => _namespaces.Count == 0;

    /// <summary>The index this session has seen on a shard (0 when none, or for another generation of the namespace).</summary>
    public long IndexOf(string ns, long generation, int shard) =>
        _namespaces.TryGetValue(ns, out var entry) && entry.Generation == generation && entry.Shards.TryGetValue(shard, out var index) ? index : 0;

    /// <summary>Records that the session has seen <paramref name="index"/> on a shard (keeps the larger; a newer generation replaces the older).</summary>
    public SessionToken With(string ns, long generation, int shard, long index)
    {
        var copy = Copy();
        if (!copy._namespaces.TryGetValue(ns, out var entry) || entry.Generation < generation)
        {
            entry = (generation, new SortedDictionary<int, long>());
            copy._namespaces[ns] = entry;
        }
        else if (entry.Generation > generation)
        {
            return copy;
        }

        entry.Shards[shard] = Math.Max(entry.Shards.GetValueOrDefault(shard), index);
        return copy;
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (ns, (generation, shards)) in _namespaces)
        {
            if (text.Length > 0)
            {
                text.Append(';');
            }

            text.Append(ns).Append('@').Append(generation.ToString(CultureInfo.InvariantCulture)).Append(':');
            text.AppendJoin(',', shards.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key}.{s.Value}")));
        }

        return text.ToString();
    }

    /// <summary>Parses a token; null error when it is well formed, else why not (for a 400 naming <see cref="Header"/>).</summary>
    public static SessionToken? Parse(string? text, out string? error)
    {
        error = null;
        var token = new SessionToken();
        if (string.IsNullOrEmpty(text))
        {
            return token;
        }

        if (text.Length > MaxLength)
        {
            error = $"is longer than {MaxLength} characters";
            return null;
        }

        foreach (var part in text.Split(';'))
        {
            var at = part.IndexOf('@', StringComparison.Ordinal);
            var colon = at < 0 ? -1 : part.IndexOf(':', at);
            if (at <= 0 || colon < 0)
            {
                error = "must be {namespace}@{generation}:{shard}.{index},... (as a previous answer gave it)";
                return null;
            }

            var ns = part[..at];
            if (NameRules.CheckName(ns) is not null || token._namespaces.ContainsKey(ns)
                || !long.TryParse(part.AsSpan(at + 1, colon - at - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var generation))
            {
                error = $"has a malformed or repeated namespace part '{Truncate(part)}'";
                return null;
            }

            var shards = new SortedDictionary<int, long>();
            var list = part[(colon + 1)..];
            foreach (var item in list.Length == 0 ? [] : list.Split(','))
            {
                var dot = item.IndexOf('.', StringComparison.Ordinal);
                if (dot <= 0
                    || !int.TryParse(item.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var shard)
                    || !long.TryParse(item.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                    || !shards.TryAdd(shard, index))
                {
                    error = $"has a malformed or repeated shard entry '{Truncate(item)}' (expected {{shard}}.{{index}})";
                    return null;
                }
            }

            token._namespaces[ns] = (generation, shards);
        }

        return token;
    }

    private SessionToken Copy()
    {
        var copy = new SessionToken();
        foreach (var (ns, (generation, shards)) in _namespaces)
        {
            copy._namespaces[ns] = (generation, new SortedDictionary<int, long>(shards));
        }

        return copy;
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
