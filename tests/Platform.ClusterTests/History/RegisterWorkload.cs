using System.Globalization;
using Platform.ClusterTests.Linearizability;
using Platform.Testing.Http;

namespace Platform.ClusterTests.History;

/// <summary>
/// Jepsen's register workload over the key-value API: clients pick a key of <see cref="Keys"/> at random and read it
/// (GET), write a value no one else writes (PUT), or compare-and-set on the last version they saw (PUT If-Match),
/// recording each operation in <see cref="History"/> through <see cref="RegisterOutcomes"/>: a definite wrong answer
/// throws, only no answer / 502 / 503 / 504 is unknown. Keys start absent (the register at version 0).
/// </summary>
public sealed class RegisterWorkload
{
    private int _completed;

    public RegisterWorkload(string ns, IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        Namespace = ns;
        Keys = keys;
    }

    public string Namespace { get; }

    public IReadOnlyList<string> Keys { get; }

    public HistoryRecorder<RegisterInput, RegisterOutput> History { get; } = new();

    /// <summary>
    /// One key's operations for the checker, without reads whose outcome is unknown: a read changes nothing, so one
    /// that returned nothing constrains nothing, and leaving it out keeps the search small.
    /// </summary>
    public IReadOnlyList<LinearizabilityOperation<RegisterInput, RegisterOutput>> OperationsFor(string key) =>
        [.. History.ToLinearizabilityOperations(key).Where(o => !(o.IsUnknown && o.Input.Kind == RegisterOperationKind.Read))];

    /// <summary>Operations completed so far, with any outcome.</summary>
    public int Completed => Volatile.Read(ref _completed);

    /// <summary>
    /// One client's loop until <paramref name="stop"/>: half reads, a fifth blind writes, the rest compare-and-sets on
    /// the last version seen, read first when there is none (all reads when <paramref name="readOnly"/>). Operations are never cancelled midway: each one completes or
    /// times out and is recorded.
    /// </summary>
    public async Task RunClientAsync(int clientId, PlatformApiClient api, bool readOnly, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(api);
        var random = new Random((clientId * 7919) + 17);
        var seen = new Dictionary<string, long>(StringComparer.Ordinal);
        long sequence = 0;
        while (!stop.IsCancellationRequested)
        {
            var key = Keys[random.Next(Keys.Count)];
            var roll = readOnly ? 0 : random.Next(10);
            if (roll < 5 || (roll >= 7 && seen.GetValueOrDefault(key) < 1))
            {
                var output = await ReadAsync(clientId, api, key);
                if (output?.Version is { } version)
                {
                    seen[key] = version;
                }
                else if (output is null)
                {
                    await Pause(stop);
                }
            }
            else
            {
                var value = (clientId * 10_000_000L) + ++sequence;
                var text = value.ToString(CultureInfo.InvariantCulture);
                var cas = roll >= 7;
                var input = cas ? RegisterInput.Cas(seen[key], value) : RegisterInput.Write(value);
                var id = History.Invoke(clientId, key, input);
                var answer = await api.PutKeyAsync(Namespace, key, text, cas ? KeyValueConditions.Version(seen[key]) : null, CancellationToken.None);
                var output = cas ? RegisterOutcomes.CompareAndSet(answer) : RegisterOutcomes.Write(answer);
                Record(id, output, answer);
                if (output?.Version is { } version)
                {
                    seen[key] = version;
                }
                else if (output is null)
                {
                    await Pause(stop);
                }
            }
        }
    }

    /// <summary>One recorded read of <paramref name="key"/>; null when its outcome is unknown.</summary>
    public async Task<RegisterOutput?> ReadAsync(int clientId, PlatformApiClient api, string key)
    {
        ArgumentNullException.ThrowIfNull(api);
        var id = History.Invoke(clientId, key, RegisterInput.Read());
        var answer = await api.GetKeyAsync(Namespace, key);
        var output = RegisterOutcomes.Read(answer);
        Record(id, output, answer);
        return output;
    }

    /// <summary>
    /// Re-reads every key at the end (recorded, so the checker sees the final state), each until it answers
    /// definitely; throws when a key gives no definite answer within <paramref name="attempts"/>.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, RegisterOutput>> ReadEveryKeyAsync(int clientId, PlatformApiClient api, int attempts = 20)
    {
        var finals = new Dictionary<string, RegisterOutput>(StringComparer.Ordinal);
        foreach (var key in Keys)
        {
            for (var attempt = 1; ; attempt++)
            {
                if (await ReadAsync(clientId, api, key) is { } output)
                {
                    finals[key] = output;
                    break;
                }

                if (attempt == attempts)
                {
                    throw new UnexpectedAnswerException($"The final read of {Namespace}/{key} gave no definite answer in {attempts} attempts.");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
        }

        return finals;
    }

    // After an unknown outcome (often an immediate 503 while the cluster reacts) wait a little instead of spinning.
    private static async Task Pause(CancellationToken stop)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), stop);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Record(long id, RegisterOutput? output, ApiResponse answer)
    {
        if (output is null)
        {
            History.Info(id, answer.ToString());
        }
        else
        {
            History.Ok(id, output);
        }

        Interlocked.Increment(ref _completed);
    }
}
