using System.Diagnostics;
using Platform.ClusterTests.Linearizability;

namespace Platform.ClusterTests.History;

/// <summary>
/// A thread-safe, append-only history of client operations with monotonic timestamps: each operation is an
/// <see cref="HistoryEventType.Invoke"/> followed by one of Ok / Fail / Info. Feed it to
/// <see cref="LinearizabilityChecker"/> per key with <see cref="ToLinearizabilityOperations"/>.
/// </summary>
public sealed class HistoryRecorder<TInput, TOutput>
{
    private readonly Lock _gate = new();
    private readonly List<HistoryEvent<TInput, TOutput>> _events = [];
    private readonly Dictionary<long, HistoryEvent<TInput, TOutput>> _pending = [];
    private long _nextOperation;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _events.Count;
            }
        }
    }

    /// <summary>Records the start of an operation and returns its id for the completion call.</summary>
    public long Invoke(int clientId, string key, TInput input)
    {
        lock (_gate)
        {
            var id = _nextOperation++;
            var e = new HistoryEvent<TInput, TOutput>(_events.Count, HistoryEventType.Invoke, id, clientId, key, Stopwatch.GetTimestamp(), input, default, null);
            _events.Add(e);
            _pending.Add(id, e);
            return id;
        }
    }

    public void Ok(long operationId, TOutput output) => Complete(operationId, HistoryEventType.Ok, output, null);

    public void Fail(long operationId, string error) => Complete(operationId, HistoryEventType.Fail, default, error);

    public void Info(long operationId, string error) => Complete(operationId, HistoryEventType.Info, default, error);

    public IReadOnlyList<HistoryEvent<TInput, TOutput>> Events()
    {
        lock (_gate)
        {
            return [.. _events];
        }
    }

    /// <summary>Every invoked operation with its completion (if any), in invocation order.</summary>
    public IReadOnlyList<RecordedOperation<TInput, TOutput>> Operations()
    {
        var events = Events();
        var completions = events.Where(e => e.Type != HistoryEventType.Invoke).ToDictionary(e => e.OperationId);
        return [.. events.Where(e => e.Type == HistoryEventType.Invoke).Select(i =>
        {
            completions.TryGetValue(i.OperationId, out var c);
            return new RecordedOperation<TInput, TOutput>(i.OperationId, i.ClientId, i.Key, i.Input, i.Timestamp, c?.Type, c?.Timestamp, c is null ? default : c.Output, c?.Error);
        })];
    }

    /// <summary>
    /// One key's operations for the checker: Ok with their output, Info and never-completed ones as unknown
    /// (may take effect any time after invocation, or never), Fail left out (they did not happen).
    /// </summary>
    public IReadOnlyList<LinearizabilityOperation<TInput, TOutput>> ToLinearizabilityOperations(string key) =>
        [.. Operations().Where(o => o.Key == key && o.Completion != HistoryEventType.Fail).Select(o => o.Succeeded
            ? new LinearizabilityOperation<TInput, TOutput>(o.ClientId, o.Invoked, o.Completed!.Value, o.Input, o.Output)
            : LinearizabilityOperation<TInput, TOutput>.Unknown(o.ClientId, o.Invoked, o.Input))];

    public IReadOnlyList<string> Keys() => [.. Events().Select(e => e.Key).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>Writes the whole history, one event a line, e.g. next to the process logs of a failed test.</summary>
    public void WriteTo(string path) => File.WriteAllLines(path, Events().Select(e => e.ToString()));

    private void Complete(long operationId, HistoryEventType type, TOutput? output, string? error)
    {
        lock (_gate)
        {
            if (!_pending.Remove(operationId, out var invoke))
            {
                throw new InvalidOperationException($"Operation {operationId} is not pending (never invoked, or already completed).");
            }

            _events.Add(new HistoryEvent<TInput, TOutput>(_events.Count, type, operationId, invoke.ClientId, invoke.Key, Stopwatch.GetTimestamp(), invoke.Input, output, error));
        }
    }
}
