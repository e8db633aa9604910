using Platform.Caches;

namespace Platform.Tests.Caches;

/// <summary>The write-behind buffer without a cluster: coalescing, one write per key in flight, bound, backoff, the age bound on retries.</summary>
public sealed class WriteBehindBufferTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(10);

    /// <summary>Writes to one key coalesce into one write of the last value, due one delay after the first.</summary>
    [Fact]
    public void Enqueue_SameKey_CoalescesToLastValueAndKeepsFirstDueTime()
    {
        var buffer = new WriteBehindBuffer(TimeSpan.FromMilliseconds(100), 10, MaxAge);
        buffer.Enqueue("k", [1], null, T0);
        buffer.Enqueue("k", [2], null, T0.AddMilliseconds(90));
        Assert.Empty(buffer.TakeDue(T0.AddMilliseconds(99), 10));
        var due = Assert.Single(buffer.TakeDue(T0.AddMilliseconds(100), 10));
        Assert.Equal([2], due.Value);
    }

    /// <summary>A key being written is never taken again until that write ends, so an older value cannot land last.</summary>
    [Fact]
    public void TakeDue_KeyInFlight_IsNotTakenAgain()
    {
        var buffer = new WriteBehindBuffer(TimeSpan.Zero, 10, MaxAge);
        buffer.Enqueue("k", [1], null, T0);
        var first = Assert.Single(buffer.TakeDue(T0, 10));
        buffer.Enqueue("k", [2], null, T0);
        Assert.Empty(buffer.TakeDue(T0, 10));
        Assert.Equal([2], buffer.Latest("k")!.Value);
        buffer.Fail(first, T0);                                   // a newer value waits: the failed one is dropped
        Assert.Equal([2], Assert.Single(buffer.TakeDue(T0, 10)).Value);
    }

    /// <summary>The buffer refuses a new key when full, but a key already waiting may still be rewritten.</summary>
    [Fact]
    public void IsFull_AtMaxQueue_RefusesOnlyNewKeys()
    {
        var buffer = new WriteBehindBuffer(TimeSpan.FromSeconds(1), 2, MaxAge);
        buffer.Enqueue("a", [1], null, T0);
        buffer.Enqueue("b", [1], null, T0);
        Assert.True(buffer.IsFull("c"));
        Assert.False(buffer.IsFull("a"));
    }

    /// <summary>A failed write is retried after a backoff that doubles.</summary>
    [Fact]
    public void Fail_RetriesWithDoublingBackoff()
    {
        var buffer = new WriteBehindBuffer(TimeSpan.Zero, 10, MaxAge);
        buffer.Enqueue("k", [1], null, T0);
        buffer.Fail(Assert.Single(buffer.TakeDue(T0, 10)), T0);
        Assert.Empty(buffer.TakeDue(T0.AddMilliseconds(99), 10));
        var second = Assert.Single(buffer.TakeDue(T0.AddMilliseconds(100), 10));
        buffer.Fail(second, T0.AddMilliseconds(100));
        Assert.Empty(buffer.TakeDue(T0.AddMilliseconds(299), 10));
        Assert.Single(buffer.TakeDue(T0.AddMilliseconds(300), 10));
    }

    /// <summary>A write whose source keeps failing is retried until it was queued maxAge ago; its next failure drops it and nothing of the key waits.</summary>
    [Fact]
    public void Fail_AtMaxAge_DropsTheWrite()
    {
        var buffer = new WriteBehindBuffer(TimeSpan.Zero, 10, MaxAge);
        buffer.Enqueue("k", [1], null, T0);
        Assert.False(buffer.Fail(Assert.Single(buffer.TakeDue(T0, 10)), T0 + MaxAge - TimeSpan.FromMilliseconds(100))); // retried 100 ms later
        var retry = Assert.Single(buffer.TakeDue(T0 + MaxAge, 10));
        Assert.True(buffer.Fail(retry, T0 + MaxAge));
        Assert.Equal(0, buffer.Count);
        Assert.Null(buffer.Latest("k"));
    }

    /// <summary>
    /// A key rewritten while its write is in flight on a failing source: the newer write inherits the age of the older
    /// one (neither is in the source), so the key is dropped maxAge after its oldest unconfirmed write, however often
    /// it is rewritten.
    /// </summary>
    [Fact]
    public void Fail_KeyRewrittenWhileInFlight_AgesFromTheOldestUnconfirmedWrite()
    {
        var buffer = new WriteBehindBuffer(TimeSpan.Zero, 10, MaxAge);
        buffer.Enqueue("k", [1], null, T0);
        var first = Assert.Single(buffer.TakeDue(T0, 10));
        buffer.Enqueue("k", [2], null, T0.AddSeconds(5));
        Assert.False(buffer.Fail(first, T0.AddSeconds(6)));          // superseded by the waiting [2], not dropped
        var second = Assert.Single(buffer.TakeDue(T0.AddSeconds(6), 10));
        Assert.Equal([2], second.Value);
        Assert.True(buffer.Fail(second, T0 + MaxAge));                // 10 s after [1], only 5 s after [2]
    }

    /// <summary>Once an older write lands, a newer waiting write of the key ages from its own queueing.</summary>
    [Fact]
    public void Complete_OlderWriteLanded_NewerWriteAgesFromItsOwnQueueing()
    {
        var buffer = new WriteBehindBuffer(TimeSpan.Zero, 10, MaxAge);
        buffer.Enqueue("k", [1], null, T0);
        var first = Assert.Single(buffer.TakeDue(T0, 10));
        buffer.Enqueue("k", [2], null, T0.AddSeconds(5));
        buffer.Complete(first);
        var second = Assert.Single(buffer.TakeDue(T0.AddSeconds(5), 10));
        Assert.False(buffer.Fail(second, T0 + MaxAge));               // 5 s old: retried
        Assert.True(buffer.Fail(Assert.Single(buffer.TakeDue(T0.AddSeconds(15), 10)), T0.AddSeconds(15)));
    }
}
