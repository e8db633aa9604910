using Platform.Errors;
using Platform.EventLog;
using Platform.EventLog.Storage;

namespace Platform.Tests.EventLog;

/// <summary>The idempotent producer's rules on one partition.</summary>
public sealed class ProducerTableTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;

    private static ProducerStamp Stamp(string id, int epoch, long first, long last) => new() { ProducerId = id, Epoch = epoch, FirstSequence = first, LastSequence = last };

    [Fact]
    public void RememberedBatch_IsADuplicate_OlderOrOverlappingOnes_AreRefused_LaterOnesWithGaps_Accepted()
    {
        var table = ProducerTable.Record([], Stamp("p", 0, 0, 4), 100, 5, Now, 8);
        table = ProducerTable.Record(table, Stamp("p", 0, 7, 7), 105, 1, Now, 8);
        Assert.Equal(100, ProducerTable.FindDuplicate(table, Stamp("p", 0, 0, 4))!.FirstOffset);
        Assert.Equal(105, ProducerTable.FindDuplicate(table, Stamp("p", 0, 7, 7))!.FirstOffset);
        Assert.Throws<PlatformConflictException>(() => ProducerTable.FindDuplicate(table, Stamp("p", 0, 5, 6)));
        Assert.Throws<PlatformConflictException>(() => ProducerTable.FindDuplicate(table, Stamp("p", 0, 3, 9)));
        Assert.Null(ProducerTable.FindDuplicate(table, Stamp("p", 0, 20, 21)));
        Assert.Null(ProducerTable.FindDuplicate(table, Stamp("q", 0, 0, 0)));
    }

    [Fact]
    public void HigherEpoch_StartsAfresh_AndFencesTheOlder()
    {
        var table = ProducerTable.Record([], Stamp("p", 1, 0, 9), 0, 10, Now, 8);
        Assert.Null(ProducerTable.FindDuplicate(table, Stamp("p", 2, 0, 0)));
        table = ProducerTable.Record(table, Stamp("p", 2, 0, 0), 10, 1, Now, 8);
        Assert.Throws<PlatformConflictException>(() => ProducerTable.FindDuplicate(table, Stamp("p", 1, 10, 10)));
        Assert.Single(table[0].Batches);
    }

    [Fact]
    public void OnlyTheLastBatches_AndTheMostRecentProducers_AreRemembered()
    {
        IReadOnlyList<ProducerEntry> table = [];
        for (var i = 0; i < 8; i++)
        {
            table = ProducerTable.Record(table, Stamp("p", 0, i, i), i, 1, Now, 2);
        }

        Assert.Equal(ProducerTable.RememberedBatches, table.Single().Batches.Count);
        table = ProducerTable.Record(table, Stamp("q", 0, 0, 0), 9, 1, Now.AddSeconds(1), 2);
        table = ProducerTable.Record(table, Stamp("r", 0, 0, 0), 10, 1, Now.AddSeconds(2), 2);
        Assert.Equal(["q", "r"], table.Select(p => p.ProducerId).Order());
    }
}
