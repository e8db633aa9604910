using System.Net;
using Platform.Testing.Http;
using Platform.Testing.Waiting;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.EventLog;

/// <summary>
/// Consumer groups on a fake clock (sessions are the subject): assignment, cooperative rebalancing, session expiry,
/// static membership, generation-fenced commits, lag, and the delivery modes.
/// </summary>
[Collection(MemoryFakeClockClusterCollection.Name)]
public sealed class ConsumerGroupTests(MemoryFakeClockClusterFixture fixture)
{
    private PlatformApiClient Api => fixture.Api;

    private static string NewName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private async Task<string> TopicAsync(int partitions)
    {
        var topic = NewName("t");
        (await Api.CreateTopicAsync(topic, partitions: partitions)).ExpectSuccess();
        return topic;
    }

    /// <summary>Two members of a range group end with disjoint assignments covering every partition, in one generation.</summary>
    [Fact]
    public async Task TwoMembers_EndWithDisjointAssignments_CoveringEveryPartition()
    {
        var topic = await TopicAsync(4);
        var group = NewName("g");
        var a = (await Api.JoinGroupAsync(group, [topic], sessionTimeoutMs: 60_000)).Ok();
        Assert.Equal(4, a.Assignment.Count);
        var b = (await Api.JoinGroupAsync(group, [topic], sessionTimeoutMs: 60_000)).Ok();
        Assert.True(b.Generation > a.Generation);
        Assert.True(b.Rebalancing);
        Assert.Empty(b.Assignment);  // a still holds everything until it rejoins: never two holders
        Assert.True((await Api.HeartbeatAsync(group, a.MemberId, a.Generation)).Ok().Rejoin);
        a = (await Api.JoinGroupAsync(group, [topic], memberId: a.MemberId, sessionTimeoutMs: 60_000)).Ok();
        b = (await Api.JoinGroupAsync(group, [topic], memberId: b.MemberId, sessionTimeoutMs: 60_000)).Ok();
        Assert.Equal(a.Generation, b.Generation);
        Assert.False(b.Rebalancing);
        Assert.Equal(Enumerable.Range(0, 4), a.Assignment.Concat(b.Assignment).Select(p => p.Partition).Order());
        Assert.Empty(a.Assignment.Intersect(b.Assignment));
    }

    /// <summary>A member's commit is refused with 409 for an old generation and for a partition it does not hold.</summary>
    [Fact]
    public async Task Commit_FromAnOldGenerationOrForAnotherMembersPartition_Is409()
    {
        var topic = await TopicAsync(2);
        var group = NewName("g");
        var a = (await Api.JoinGroupAsync(group, [topic], sessionTimeoutMs: 60_000)).Ok();
        Assert.Equal(HttpStatusCode.NoContent, (await Api.CommitAsync(group, a.MemberId, a.Generation, [(topic, 0, 1)])).StatusCode);
        var b = (await Api.JoinGroupAsync(group, [topic], sessionTimeoutMs: 60_000)).Ok();
        ProblemAssert.IsProblem(await Api.CommitAsync(group, a.MemberId, a.Generation, [(topic, 0, 2)]), HttpStatusCode.Conflict);
        a = (await Api.JoinGroupAsync(group, [topic], memberId: a.MemberId, sessionTimeoutMs: 60_000)).Ok();
        b = (await Api.JoinGroupAsync(group, [topic], memberId: b.MemberId, sessionTimeoutMs: 60_000)).Ok();
        var others = b.Assignment.Single();
        ProblemAssert.IsProblem(await Api.CommitAsync(group, a.MemberId, a.Generation, [(topic, others.Partition, 5)]), HttpStatusCode.Conflict);
        ProblemAssert.IsProblem(await Api.CommitAsync(group, "m-stranger", a.Generation, [(topic, 0, 5)]), HttpStatusCode.Conflict);
        var described = (await Api.DescribeGroupAsync(group)).Ok();
        Assert.Equal(1, described.Partitions.Single(p => p.Partition == 0).Committed);
    }

    /// <summary>
    /// A member that stops heartbeating loses its partitions once its session runs out (by the group's timer on the
    /// fake clock), the survivor gets them, the silent member's heartbeat answers 404 and its late commit 409.
    /// </summary>
    [Fact]
    public async Task SessionTimeout_MovesASilentMembersPartitions_AndItsLateCommitIs409()
    {
        var topic = await TopicAsync(4);
        var group = NewName("g");
        var zombie = (await Api.JoinGroupAsync(group, [topic], sessionTimeoutMs: 5_000)).Ok();
        var live = (await Api.JoinGroupAsync(group, [topic], sessionTimeoutMs: 60_000)).Ok();
        zombie = (await Api.JoinGroupAsync(group, [topic], memberId: zombie.MemberId, sessionTimeoutMs: 5_000)).Ok();
        live = (await Api.JoinGroupAsync(group, [topic], memberId: live.MemberId, sessionTimeoutMs: 60_000)).Ok();
        Assert.Equal(2, zombie.Assignment.Count);

        fixture.Time.Advance(TimeSpan.FromMilliseconds(4_900));
        Assert.Equal(2, (await Api.DescribeGroupAsync(group)).Ok().Members.Count);   // not yet expired
        var expired = Eventually.Until(async ct => (await Api.DescribeGroupAsync(group, ct)).Ok().Members.Count == 1, "the silent member to leave the group");
        await fixture.Time.AdvanceUntilAsync(() => expired.IsCompleted, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(1_000), "the silent member's session to end");
        await expired;

        Assert.Equal(HttpStatusCode.NotFound, (await Api.HeartbeatAsync(group, zombie.MemberId, zombie.Generation)).StatusCode);
        live = (await Api.JoinGroupAsync(group, [topic], memberId: live.MemberId, sessionTimeoutMs: 60_000)).Ok();
        Assert.Equal(4, live.Assignment.Count);
        ProblemAssert.IsProblem(await Api.CommitAsync(group, zombie.MemberId, zombie.Generation, [(topic, zombie.Assignment[0].Partition, 1)]), HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.NoContent, (await Api.CommitAsync(group, live.MemberId, live.Generation, [(topic, zombie.Assignment[0].Partition, 1)])).StatusCode);
    }

    /// <summary>A static member that restarts (joins again under its instance id, without its member id) gets its id and partitions back, with no new generation.</summary>
    [Fact]
    public async Task StaticMember_RejoiningUnderItsInstanceId_GetsItsPartitionsBack_WithoutARebalance()
    {
        var topic = await TopicAsync(4);
        var group = NewName("g");
        var a = (await Api.JoinGroupAsync(group, [topic], instanceId: "worker-a", sessionTimeoutMs: 60_000)).Ok();
        var b = (await Api.JoinGroupAsync(group, [topic], instanceId: "worker-b", sessionTimeoutMs: 60_000)).Ok();
        a = (await Api.JoinGroupAsync(group, [topic], memberId: a.MemberId, instanceId: "worker-a", sessionTimeoutMs: 60_000)).Ok();
        b = (await Api.JoinGroupAsync(group, [topic], memberId: b.MemberId, instanceId: "worker-b", sessionTimeoutMs: 60_000)).Ok();
        var restarted = (await Api.JoinGroupAsync(group, [topic], instanceId: "worker-a", sessionTimeoutMs: 60_000)).Ok();
        Assert.Equal(a.MemberId, restarted.MemberId);
        Assert.Equal(a.Generation, restarted.Generation);
        Assert.Equal(a.Assignment, restarted.Assignment);
        Assert.False((await Api.HeartbeatAsync(group, b.MemberId, b.Generation)).Ok().Rejoin);
    }

    /// <summary>
    /// Cooperative rebalancing with the sticky assignor: when a member joins, the old member keeps consuming (and may
    /// commit, once it rejoined) the partitions that stay its own, and never shares one with the newcomer.
    /// </summary>
    [Fact]
    public async Task Cooperative_ANewMember_LeavesTheOldMembersStayingPartitionsWithIt()
    {
        var topic = await TopicAsync(4);
        var group = NewName("g");
        var a = (await Api.JoinGroupAsync(group, [topic], sessionTimeoutMs: 60_000, assignor: "sticky")).Ok();
        var b = (await Api.JoinGroupAsync(group, [topic], sessionTimeoutMs: 60_000, assignor: "sticky")).Ok();
        var during = (await Api.DescribeGroupAsync(group)).Ok();
        Assert.True(during.Rebalancing);
        Assert.Empty(during.Members.Single(m => m.MemberId == b.MemberId).Assignment);   // the moving partitions are still a's
        var rejoined = (await Api.JoinGroupAsync(group, [topic], memberId: a.MemberId, sessionTimeoutMs: 60_000, assignor: "sticky")).Ok();
        Assert.Subset(a.Assignment.ToHashSet(), rejoined.Assignment.ToHashSet());
        Assert.Equal(2, rejoined.Assignment.Count);
        Assert.Equal(HttpStatusCode.NoContent, (await Api.CommitAsync(group, a.MemberId, rejoined.Generation, [(topic, rejoined.Assignment[0].Partition, 0)])).StatusCode);
        b = (await Api.JoinGroupAsync(group, [topic], memberId: b.MemberId, sessionTimeoutMs: 60_000, assignor: "sticky")).Ok();
        Assert.Empty(b.Assignment.Intersect(rejoined.Assignment));
        Assert.Equal(2, b.Assignment.Count);
        ProblemAssert.IsProblem(await Api.JoinGroupAsync(group, [topic], sessionTimeoutMs: 60_000, assignor: "range"), HttpStatusCode.Conflict);
    }

    /// <summary>Describe shows members, committed offsets and the lag of every partition.</summary>
    [Fact]
    public async Task Describe_ShowsCommittedOffsetsAndLag()
    {
        var topic = await TopicAsync(1);
        (await Api.ProduceAsync(topic, Enumerable.Range(0, 5).Select(i => ((string?)"k", (string?)$"v{i}")))).ExpectSuccess();
        var group = NewName("g");
        var a = (await Api.JoinGroupAsync(group, [topic], sessionTimeoutMs: 60_000)).Ok();
        Assert.Equal(5, (await Api.DescribeGroupAsync(group)).Ok().Partitions.Single().Lag);
        (await Api.CommitAsync(group, a.MemberId, a.Generation, [(topic, 0, 3)])).ExpectSuccess();
        var partition = (await Api.DescribeGroupAsync(group)).Ok().Partitions.Single();
        Assert.Equal((3L, 5L, 2L, a.MemberId), (partition.Committed!.Value, partition.Latest, partition.Lag, partition.MemberId!));
    }

    /// <summary>
    /// At-least-once (commit after processing): a consumer that crashes after processing and before committing has
    /// its records delivered again to the member that takes over; every record is processed, some twice, none lost.
    /// At-most-once (commit before processing): the record in flight at the crash is never processed, none twice.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DeliveryModes_ACrashBetweenProcessingAndCommit_RedeliversOrSkips_AsDocumented(bool commitAfter)
    {
        var topic = await TopicAsync(1);
        (await Api.ProduceAsync(topic, Enumerable.Range(0, 6).Select(i => ((string?)"k", (string?)$"r{i}")))).ExpectSuccess();
        var group = NewName("g");
        var processed = new List<string>();

        // The first consumer handles three records, one at a time, then crashes in the middle of the fourth.
        var first = (await Api.JoinGroupAsync(group, [topic], sessionTimeoutMs: 60_000)).Ok();
        await ConsumeAsync(first, crashAt: 3);
        Assert.Equal(HttpStatusCode.NoContent, (await Api.LeaveGroupAsync(group, first.MemberId)).StatusCode);

        var second = (await Api.JoinGroupAsync(group, [topic], sessionTimeoutMs: 60_000)).Ok();
        await ConsumeAsync(second, crashAt: null);

        var expected = Enumerable.Range(0, 6).Select(i => $"r{i}").ToList();
        if (commitAfter)
        {
            Assert.Equal(expected, processed.Distinct());
            Assert.Equal(["r3"], processed.GroupBy(p => p).Where(g => g.Count() > 1).Select(g => g.Key));
        }
        else
        {
            Assert.Equal(expected.Where(r => r != "r3"), processed);
        }

        async Task ConsumeAsync(JoinAnswer member, int? crashAt)
        {
            var committed = (await Api.DescribeGroupAsync(group)).Ok().Partitions.Single().Committed ?? 0;
            var page = (await Api.ReadAsync(topic, 0, committed)).Ok();
            foreach (var record in page.Items)
            {
                if (!commitAfter)
                {
                    (await Api.CommitAsync(group, member.MemberId, member.Generation, [(topic, 0, record.Offset + 1)])).ExpectSuccess();
                }

                if (record.Offset == crashAt)
                {
                    if (commitAfter)
                    {
                        processed.Add(record.Value!);   // processed, then the crash comes before the commit
                    }

                    return;
                }

                processed.Add(record.Value!);
                if (commitAfter)
                {
                    (await Api.CommitAsync(group, member.MemberId, member.Generation, [(topic, 0, record.Offset + 1)])).ExpectSuccess();
                }
            }
        }
    }
}
