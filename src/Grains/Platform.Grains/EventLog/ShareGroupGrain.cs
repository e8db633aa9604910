using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Platform.Errors;

namespace Platform.EventLog;

/// <summary>
/// A share group (competing consumers) on one partition: leases records to any number of consumers with a
/// visibility timeout, settles them by lease id, delivers failed and expired records again and sends a record failed
/// <c>ShareMaxDeliveries</c> times to the dead-letter topic. Every decision (<see cref="ShareLedger"/>) is persisted
/// in one ETag-checked write before it is answered: a second activation of the same group and partition
/// (dotnet/orleans#9855) holds a stale ETag, its write fails (503, retry) and it re-reads, so it can neither lease a
/// record the first one leased nor ack one twice.
/// </summary>
/// <remarks>
/// [Reentrant] so that a fetch waiting for records (long poll) does not hold up acks and other consumers' fetches.
/// Every read-decide-write runs under <see cref="_gate"/>. A dead letter is appended to the dead-letter topic with an
/// idempotent-producer stamp whose sequence was persisted with the decision, so a retry after a crash stores it once.
/// </remarks>
[Reentrant]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The gate lives as long as the activation and holds no wait handle.")]
public sealed partial class ShareGroupGrain(
    [PersistentState("share", TopicGrain.StorageName)] IPersistentState<ShareGroupState> state,
    IOptions<EventLogOptions> options,
    TimeProvider time,
    ILocalSiloDetails silo,
    ILogger<ShareGroupGrain> logger) : Grain, IShareGroupGrain
{
    /// <summary>Headers a dead letter carries besides the record's own: where it came from and how often it was delivered.</summary>
    public const string SourceTopicHeader = "platform-dlq-topic";
    public const string SourcePartitionHeader = "platform-dlq-partition";
    public const string SourceOffsetHeader = "platform-dlq-offset";
    public const string GroupHeader = "platform-dlq-group";
    public const string DeliveriesHeader = "platform-dlq-deliveries";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private ShareGroupId _id;
    private TaskCompletionSource _changed = NewSignal();

    private EventLogOptions Limits => options.Value;

    private ShareGroupState Share => state.State;

    private IPartitionGrain Partition => GrainFactory.GetGrain<IPartitionGrain>(_id.Partition.Key);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _id = ShareGroupId.Parse(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<ShareLease>> Fetch(int max, int visibilityMs, int waitMs, CancellationToken cancellationToken = default)
    {
        CheckFetch(max, visibilityMs, waitMs);
        var deadline = time.GetUtcNow() + TimeSpan.FromMilliseconds(waitMs);
        while (true)
        {
            var signal = _changed;
            var leases = await LockedAsync(() => LeaseAsync(max, TimeSpan.FromMilliseconds(visibilityMs)));
            if (leases.Count > 0 || time.GetUtcNow() >= deadline)
            {
                return leases;
            }

            await WaitForChangeAsync(signal, deadline, cancellationToken);
        }
    }

    public async Task<bool> WaitAvailable(int waitMs, CancellationToken cancellationToken = default)
    {
        CheckFetch(1, Limits.MinVisibilityMs, waitMs);
        var deadline = time.GetUtcNow() + TimeSpan.FromMilliseconds(waitMs);
        while (true)
        {
            var signal = _changed;
            var available = await LockedAsync(AvailableAsync);
            if (available || time.GetUtcNow() >= deadline)
            {
                return available;
            }

            await WaitForChangeAsync(signal, deadline, cancellationToken);
        }
    }

    public Task<IReadOnlyList<ShareSettleResult>> Settle(ShareSettle settle, IReadOnlyList<string> leaseIds)
    {
        ArgumentNullException.ThrowIfNull(leaseIds);
        if (leaseIds.Count == 0 || leaseIds.Count > Limits.MaxShareFetchRecords)
        {
            throw new PlatformValidationException("leaseIds", $"must hold 1 to {Limits.MaxShareFetchRecords} lease ids (got {leaseIds.Count}) ({EventLogOptions.SectionName}:MaxShareFetchRecords)");
        }

        return LockedAsync<IReadOnlyList<ShareSettleResult>>(async () =>
        {
            var now = time.GetUtcNow();
            var ledger = Ledger();
            var changed = ledger.Expire(now);
            var results = leaseIds.Select(id => new ShareSettleResult(id, ledger.Settle(settle, id, now))).ToList();
            changed |= results.Any(r => r.Status is not (ShareSettleStatus.Expired or ShareSettleStatus.Unknown));
            if (changed)
            {
                await PersistAsync();
            }

            await FlushDeadLettersAsync();
            return results;
        });
    }

    public Task<SharePartitionView> Describe()
    {
        var now = time.GetUtcNow();
        var leased = Share.Records.Count(r => r.LeaseId is not null && r.LeasedUntil > now);
        return Task.FromResult(new SharePartitionView
        {
            Partition = _id.Partition.Index,
            Start = Share.Start,
            Next = Share.Next,
            Leased = leased,
            Redeliverable = Share.Records.Count - leased,
            Acked = Share.Acked,
            DeadLettered = Share.DeadLettered,
            Silo = silo.SiloAddress.ToParsableString(),
        });
    }

    private ShareLedger Ledger() => new(Share, Limits.ShareMaxDeliveries, _id.Partition.Generation, _id.Partition.Index);

    private async Task<IReadOnlyList<ShareLease>> LeaseAsync(int max, TimeSpan visibility)
    {
        var now = time.GetUtcNow();
        var until = now + visibility;
        var ledger = Ledger();
        var changed = ledger.Expire(now);
        var leases = new List<ShareLease>();

        // Records delivered before come first, oldest first: a failed record does not wait behind new ones.
        var again = ledger.Redeliverable.Take(max).ToList();
        if (again.Count > 0)
        {
            var stored = await ReadOffsetsAsync([.. again.Select(r => r.Offset)]);
            foreach (var record in again)
            {
                if (stored.TryGetValue(record.Offset, out var found))
                {
                    leases.Add(Lease(ledger, record, found, until));
                }
                else
                {
                    ledger.Drop(record);
                }

                changed = true;
            }
        }

        var room = Math.Min(max - leases.Count, ledger.FreshRoom(Limits.MaxShareInFlight));
        if (room > 0)
        {
            var page = await Partition.Read(ReadStart.At(Share.Next), room, Limits.MaxReadBytes, 0);
            var before = Share.Next;
            foreach (var found in page.Records)
            {
                leases.Add(Lease(ledger, ledger.AddFresh(found.Offset), found, until));
            }

            ledger.SkipTo(page.Records.Count > 0 ? Math.Min(page.NextOffset, page.Records[^1].Offset + 1) : Math.Max(page.EarliestOffset, Share.Next));
            changed |= Share.Next != before;
        }

        if (changed)
        {
            await PersistAsync();
        }

        await FlushDeadLettersAsync();
        return leases;
    }

    private ShareLease Lease(ShareLedger ledger, ShareRecordState record, LogRecord found, DateTimeOffset until) => new()
    {
        LeaseId = ledger.Lease(record, until, (uint)Random.Shared.NextInt64(0, uint.MaxValue + 1L)),
        Partition = _id.Partition.Index,
        Record = found,
        DeliveryCount = record.Deliveries,
        LeasedUntil = until,
    };

    private async Task<bool> AvailableAsync()
    {
        var ledger = Ledger();
        if (ledger.Expire(time.GetUtcNow()))
        {
            await PersistAsync();
            await FlushDeadLettersAsync();
        }

        if (ledger.Redeliverable.Any())
        {
            return true;
        }

        return ledger.FreshRoom(Limits.MaxShareInFlight) > 0 && (await Partition.Offsets()).Latest > Share.Next;
    }

    /// <summary>
    /// Waits until <paramref name="deadline"/>, or sooner when this group changed (a nack, release or ack), a record
    /// was appended past the frontier, or a lease's visibility timeout ends (its record is then due again).
    /// </summary>
    private async Task WaitForChangeAsync(TaskCompletionSource signal, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var until = deadline;
        if (Ledger().NextExpiry is { } expiry && expiry < until)
        {
            until = expiry;
        }

        var left = until - time.GetUtcNow();
        if (left <= TimeSpan.Zero)
        {
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var waits = new List<Task> { signal.Task, Quietly(Task.Delay(left, time, stop.Token)) };
        if (Ledger().FreshRoom(Limits.MaxShareInFlight) > 0)
        {
            var waitMs = (int)Math.Clamp(Math.Ceiling(left.TotalMilliseconds), 1, Limits.MaxWaitMs);
            waits.Add(Quietly(Partition.Read(ReadStart.At(Share.Next), 1, 1, waitMs, stop.Token)));
        }

        await Task.WhenAny(waits);
        await stop.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>The stored records at <paramref name="offsets"/> (ascending), reading pages that cover them; missing offsets are gone.</summary>
    private async Task<Dictionary<long, LogRecord>> ReadOffsetsAsync(IReadOnlyList<long> offsets)
    {
        var found = new Dictionary<long, LogRecord>();
        var wanted = offsets.ToHashSet();
        var i = 0;
        while (i < offsets.Count)
        {
            var span = offsets[^1] - offsets[i] + 1;
            var page = await Partition.Read(ReadStart.At(offsets[i]), (int)Math.Min(span, Limits.MaxReadLimit), Limits.MaxReadBytes, 0);
            if (page.Records.Count == 0)
            {
                break;
            }

            foreach (var record in page.Records.Where(r => wanted.Contains(r.Offset)))
            {
                found[record.Offset] = record;
            }

            var covered = page.Records[^1].Offset;
            while (i < offsets.Count && offsets[i] <= covered)
            {
                i++;
            }
        }

        return found;
    }

    /// <summary>Appends the records decided dead to the dead-letter topic, oldest decision first; one that fails for now waits for the next call.</summary>
    private async Task FlushDeadLettersAsync()
    {
        while (Share.DeadLetters.Count > 0)
        {
            var letter = Share.DeadLetters[0];
            try
            {
                var source = await ReadOffsetsAsync([letter.Offset]);
                if (source.TryGetValue(letter.Offset, out var record))
                {
                    await AppendDeadLetterAsync(letter, record);
                }
            }
            catch (PlatformException ex) when (ex is not (PlatformUnavailableException or TopicGoneException))
            {
                // Refused for good (too large with its headers, the sequence already stored and forgotten): not retried.
                LogDeadLetterDropped(ex, _id.Key, letter.Offset);
            }
            catch (Exception ex)
            {
                LogDeadLetterDeferred(ex, _id.Key, letter.Offset);
                return;
            }

            Share.DeadLetters.RemoveAt(0);
            await PersistAsync();
        }
    }

    private async Task AppendDeadLetterAsync(ShareDeadLetterState letter, LogRecord record)
    {
        var topic = GrainFactory.GetGrain<ITopicGrain>(Limits.DeadLetterTopicFor(_id.Partition.Topic));
        var info = await topic.Get();
        if (info is null)
        {
            try
            {
                info = (await topic.Create(new TopicSpec { Partitions = 1, MaxRecordBytes = Limits.MaxRecordBytes })).Topic;
            }
            catch (PlatformConflictException)
            {
                info = await topic.Get();
            }
        }

        if (info is null)
        {
            throw new PlatformUnavailableException($"The dead-letter topic of '{_id.Partition.Topic}' is being changed; retry.");
        }

        var headers = new Dictionary<string, string>(record.Headers ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [SourceTopicHeader] = _id.Partition.Topic,
            [SourcePartitionHeader] = _id.Partition.Index.ToString(CultureInfo.InvariantCulture),
            [SourceOffsetHeader] = letter.Offset.ToString(CultureInfo.InvariantCulture),
            [GroupHeader] = _id.Group,
            [DeliveriesHeader] = letter.Deliveries.ToString(CultureInfo.InvariantCulture),
        };
        var target = GrainFactory.GetGrain<IPartitionGrain>(info.Partition(_id.Partition.Index % info.Spec.Partitions).Key);
        await target.Append([new ProduceRecord { Key = record.Key, Value = record.Value, Headers = headers }], new ProducerStamp
        {
            ProducerId = $"share.{_id.Group}.{_id.Partition.Key}",
            Epoch = 0,
            FirstSequence = letter.Sequence,
            LastSequence = letter.Sequence,
        });
    }

    private static void CheckFetch(int max, int visibilityMs, int waitMs, EventLogOptions limits)
    {
        if (max < 1 || max > limits.MaxShareFetchRecords)
        {
            throw new PlatformValidationException("max", $"must be between 1 and {limits.MaxShareFetchRecords} (got {max}) ({EventLogOptions.SectionName}:MaxShareFetchRecords)");
        }

        if (visibilityMs < limits.MinVisibilityMs || visibilityMs > limits.MaxVisibilityMs)
        {
            throw new PlatformValidationException("visibilityMs", $"must be between {limits.MinVisibilityMs} and {limits.MaxVisibilityMs} (got {visibilityMs})");
        }

        if (waitMs < 0 || waitMs > limits.MaxWaitMs)
        {
            throw new PlatformValidationException("waitMs", $"must be between 0 and {limits.MaxWaitMs} (got {waitMs}) ({EventLogOptions.SectionName}:MaxWaitMs)");
        }
    }

    private void CheckFetch(int max, int visibilityMs, int waitMs) => CheckFetch(max, visibilityMs, waitMs, Limits);

    /// <summary>Writes the state (ETag-checked); a failed write re-reads it, so memory never runs ahead of storage.</summary>
    private async Task PersistAsync()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            await state.ReadStateAsync();
            throw;
        }

        Signal();
    }

    private async Task<T> LockedAsync<T>(Func<Task<T>> action)
    {
        await _gate.WaitAsync();
        try
        {
            return await action();
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Signal()
    {
        var signal = _changed;
        _changed = NewSignal();
        signal.TrySetResult();
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception)
        {
            // Only a wake-up: the wait ended another way, or the next round's fetch meets the same failure and answers it.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Share group {Share}: the dead letter of offset {Offset} was refused for good and is dropped")]
    private partial void LogDeadLetterDropped(Exception exception, string share, long offset);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Share group {Share}: the dead letter of offset {Offset} could not be sent now; the next call tries again")]
    private partial void LogDeadLetterDeferred(Exception exception, string share, long offset);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
