using Platform.Errors;
using Platform.EventLog.Storage;

namespace Platform.EventLog;

/// <summary>
/// The idempotent producer's rules on one partition, without storage or grains. Per producer the partition keeps its
/// epoch, the highest sequence stored and its last <see cref="RememberedBatches"/> batches:
/// <list type="bullet">
/// <item>an older epoch is fenced: 409;</item>
/// <item>a batch equal to a remembered one (same first and last sequence) is a retry: answered with its offsets, nothing appended;</item>
/// <item>a batch whose first sequence is not above the highest stored (it arrived after a later batch, or overlaps one) is refused: 409;</item>
/// <item>anything above is appended (gaps are normal: a producer's other records went to other partitions);</item>
/// <item>a higher epoch starts afresh and fences the older one from then on.</item>
/// </list>
/// </summary>
public static class ProducerTable
{
    /// <summary>Batches per producer a partition remembers for retries (Kafka keeps 5).</summary>
    public const int RememberedBatches = 5;

    /// <summary>The batch already stored for <paramref name="stamp"/>, null when it is new; throws 409 when it must be refused.</summary>
    public static ProducerBatch? FindDuplicate(IReadOnlyList<ProducerEntry> producers, ProducerStamp stamp)
    {
        ArgumentNullException.ThrowIfNull(producers);
        ArgumentNullException.ThrowIfNull(stamp);
        var entry = producers.FirstOrDefault(p => p.ProducerId == stamp.ProducerId);
        if (entry is null || stamp.Epoch > entry.Epoch)
        {
            return null;
        }

        if (stamp.Epoch < entry.Epoch)
        {
            throw new PlatformConflictException(
                $"Producer '{stamp.ProducerId}' epoch {stamp.Epoch} is fenced: epoch {entry.Epoch} has written to this partition.");
        }

        if (entry.Batches.FirstOrDefault(b => b.FirstSequence == stamp.FirstSequence && b.LastSequence == stamp.LastSequence) is { } stored)
        {
            return stored;
        }

        if (stamp.FirstSequence <= entry.LastSequence)
        {
            throw new PlatformConflictException(
                $"Producer '{stamp.ProducerId}' epoch {stamp.Epoch}: sequence {stamp.FirstSequence} is not after {entry.LastSequence}, the highest this partition stored " +
                "(a batch that arrived after a later one, or overlaps one); nothing appended.");
        }

        return null;
    }

    /// <summary>The table after storing a batch of <paramref name="count"/> records at <paramref name="firstOffset"/>; forgets the producer idle longest past <paramref name="capacity"/>.</summary>
    public static IReadOnlyList<ProducerEntry> Record(IReadOnlyList<ProducerEntry> producers, ProducerStamp stamp, long firstOffset, int count, DateTimeOffset now, int capacity)
    {
        ArgumentNullException.ThrowIfNull(producers);
        ArgumentNullException.ThrowIfNull(stamp);
        var entry = producers.FirstOrDefault(p => p.ProducerId == stamp.ProducerId);
        var batches = entry is null || entry.Epoch != stamp.Epoch ? [] : entry.Batches.ToList();
        batches.Add(new ProducerBatch(stamp.FirstSequence, stamp.LastSequence, firstOffset, count));
        if (batches.Count > RememberedBatches)
        {
            batches.RemoveRange(0, batches.Count - RememberedBatches);
        }

        var updated = new ProducerEntry { ProducerId = stamp.ProducerId, Epoch = stamp.Epoch, LastSequence = stamp.LastSequence, Batches = batches, LastAppend = now };
        var table = producers.Where(p => p.ProducerId != stamp.ProducerId).Append(updated).ToList();
        while (table.Count > capacity)
        {
            table.Remove(table.MinBy(p => p.LastAppend)!);
        }

        return table;
    }
}
