using Platform.ClusterTests.Linearizability;

namespace Platform.ClusterTests.History;

/// <summary>The recorder pairs invocations with completions under concurrency and hands the checker the right operations.</summary>
public sealed class HistoryRecorderTests
{
    [Fact]
    public async Task Record_FromManyThreads_KeepsEveryEventPairedWithMonotonicTimestamps()
    {
        var history = new HistoryRecorder<RegisterInput, RegisterOutput>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(client => Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                var id = history.Invoke(client, $"k{i % 3}", RegisterInput.Write(i));
                history.Ok(id, RegisterOutput.Written());
            }
        })));

        var events = history.Events();
        Assert.Equal(8 * 500 * 2, events.Count);
        Assert.All(events.Zip(events.Skip(1)), pair => Assert.True(pair.First.Timestamp <= pair.Second.Timestamp));
        var operations = history.Operations();
        Assert.Equal(8 * 500, operations.Count);
        Assert.All(operations, o => Assert.True(o.Succeeded && o.Completed >= o.Invoked));
    }

    [Fact]
    public void ToLinearizabilityOperations_DropsFailed_AndTurnsInfoAndUnfinishedIntoUnknown()
    {
        var history = new HistoryRecorder<RegisterInput, RegisterOutput>();
        var ok = history.Invoke(1, "k", RegisterInput.Write(1));
        history.Ok(ok, RegisterOutput.Written(1));
        var failed = history.Invoke(1, "k", RegisterInput.Write(2));
        history.Fail(failed, "400 invalid");
        var info = history.Invoke(2, "k", RegisterInput.Write(3));
        history.Info(info, "503");
        history.Invoke(3, "k", RegisterInput.Write(4));
        history.Invoke(3, "other", RegisterInput.Read());

        var ops = history.ToLinearizabilityOperations("k");

        Assert.Equal(3, ops.Count);
        Assert.False(ops[0].IsUnknown);
        Assert.Equal(RegisterOutput.Written(1), ops[0].Output);
        Assert.True(ops[1].IsUnknown);
        Assert.True(ops[2].IsUnknown);
        Assert.Equal(["k", "other"], history.Keys());
    }

    [Fact]
    public void Complete_Twice_Throws()
    {
        var history = new HistoryRecorder<RegisterInput, RegisterOutput>();
        var id = history.Invoke(1, "k", RegisterInput.Read());
        history.Ok(id, RegisterOutput.ReadValue(null));
        Assert.Throws<InvalidOperationException>(() => history.Info(id, "again"));
    }
}
