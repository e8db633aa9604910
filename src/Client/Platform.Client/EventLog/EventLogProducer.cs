using System.Threading.Channels;
using Platform.Errors;
using Polly;
using Polly.Retry;

namespace Platform.EventLog;

/// <summary>
/// A batching idempotent producer for one topic. Records sent while a batch is in flight go into the next one (up to
/// <see cref="EventLogProducerOptions.MaxBatchRecords"/>, after at most <see cref="EventLogProducerOptions.Linger"/>);
/// each batch carries the producer's id, epoch and next sequence, and a batch whose outcome is unknown (a timeout, a
/// lost silo, a 503) is re-sent with the same sequence, so every partition stores it once. One batch is in flight at
/// a time, so the producer's order holds on every partition. A record's task completes once its batch is stored.
/// </summary>
public sealed class EventLogProducer : IAsyncDisposable
{
    private readonly IEventLog _log;
    private readonly string _topic;
    private readonly EventLogProducerOptions _options;
    private readonly TimeProvider _time;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ResiliencePipeline _retry;
    private readonly Task _loop;
    private long _sequence;

    public EventLogProducer(IEventLog log, string topic, EventLogProducerOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentException.ThrowIfNullOrEmpty(topic);
        _options = options ?? new EventLogProducerOptions();
        _options.Validate();
        _log = log;
        _topic = topic;
        _time = time ?? TimeProvider.System;
        ProducerId = _options.ProducerId ?? "p-" + Guid.NewGuid().ToString("N");
        _retry = new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(_options.MaxRetries, 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(50),
                MaxDelay = TimeSpan.FromSeconds(2),
                ShouldHandle = args => ValueTask.FromResult(_options.MaxRetries > 0 && args.Outcome.Exception is { } ex && IsUnknownOutcome(ex)),
            })
            .Build();
        _loop = Task.Run(SendLoopAsync);
    }

    public string ProducerId { get; }

    public int Epoch => _options.Epoch;

    /// <summary>Queues a record; the task completes with its position once stored, or fails with the batch's refusal.</summary>
    public Task<RecordPosition> SendAsync(ProduceRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var pending = new Pending(record, new TaskCompletionSource<RecordPosition>(TaskCreationOptions.RunContinuationsAsynchronously));
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(pending), this);

        // Cancelling the wait does not unsend the record: it may still be stored.
        return cancellationToken.CanBeCanceled ? pending.Done.Task.WaitAsync(cancellationToken) : pending.Done.Task;
    }

    /// <summary>Sends what is queued and waits until every record queued before this call is stored or failed.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var marker = new Pending(null, new TaskCompletionSource<RecordPosition>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (_queue.Writer.TryWrite(marker))
        {
            await marker.Done.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Sends what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        _stopping.Dispose();
    }

    /// <summary>An outcome that may or may not have been stored: re-send the batch as it was.</summary>
    private static bool IsUnknownOutcome(Exception ex) =>
        ex is PlatformUnavailableException or TimeoutException
        || (ex is not PlatformException and not OperationCanceledException and not ArgumentException and not OutOfMemoryException);

    private async Task SendLoopAsync()
    {
        try
        {
            await SendQueuedAsync();
        }
        catch (Exception ex)
        {
            // Never leave a caller waiting on a record the loop can no longer send.
            _queue.Writer.TryComplete(ex);
            while (_queue.Reader.TryRead(out var left))
            {
                left.Done.TrySetException(ex);
            }
        }
    }

    private async Task SendQueuedAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<Pending>(_options.MaxBatchRecords);
        while (await reader.WaitToReadAsync())
        {
            if (_options.Linger > TimeSpan.Zero && reader.Count < _options.MaxBatchRecords && !reader.Completion.IsCompleted)
            {
                await Task.Delay(_options.Linger, _time);
            }

            batch.Clear();
            var markers = new List<Pending>();
            while (batch.Count < _options.MaxBatchRecords && reader.TryRead(out var next))
            {
                if (next.Record is null)
                {
                    markers.Add(next);
                    break; // a flush marker ends the batch: everything before it is in this one
                }

                batch.Add(next);
            }

            if (batch.Count > 0)
            {
                await SendBatchAsync(batch);
            }

            foreach (var marker in markers)
            {
                marker.Done.TrySetResult(new RecordPosition(-1, -1));
            }
        }
    }

    private async Task SendBatchAsync(List<Pending> batch)
    {
        var identity = new ProducerIdentity(ProducerId, _options.Epoch, _sequence);
        var records = batch.Select(p => p.Record!).ToList();

        // The sequence moves past the batch whatever happens: a batch that failed with an unknown outcome may be stored,
        // and the next batch must not be taken for its retry (partitions accept gaps).
        _sequence += batch.Count;
        try
        {
            var result = await _retry.ExecuteAsync(async ct => await _log.ProduceAsync(_topic, records, identity, ct), _stopping.Token);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(result.Records[i]);
            }
        }
        catch (Exception ex)
        {
            foreach (var p in batch)
            {
                p.Done.TrySetException(ex);
            }
        }
    }

    private sealed record Pending(ProduceRecord? Record, TaskCompletionSource<RecordPosition> Done);
}
