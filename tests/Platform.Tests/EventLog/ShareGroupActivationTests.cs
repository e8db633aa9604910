using System.Net;
using Platform.EventLog;
using Platform.Testing.Http;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.EventLog;

/// <summary>
/// Two activations of one share group grain (dotnet/orleans#9855), played by writing its stored state behind the
/// grain's back as the other activation would: the grain's own write then fails its ETag check, so it can neither
/// ack a record the other activation acked nor lease one the other leased.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ShareGroupActivationTests(ClusterFixture fixture)
{
    private PlatformApiClient Api => fixture.Api;

    /// <summary>
    /// The other activation acks offset 0 and leases offset 1 behind the grain's back. The grain's ack of its stale
    /// lease of offset 0 and its fetch (which would lease offset 1 again) are refused with 503 and change nothing; retried
    /// on the re-read state, the ack answers expired and the fetch leases nothing: offset 0 is acked once, offset 1 held once.
    /// </summary>
    [Fact]
    public async Task SecondActivation_WritingBehindTheGrainsBack_CannotAckOrLeaseARecordTwice()
    {
        var topic = $"sa-{Guid.NewGuid():N}"[..24];
        var group = $"sg-{Guid.NewGuid():N}"[..24];
        (await Api.CreateTopicAsync(topic, partitions: 1)).ExpectSuccess();
        (await Api.ProduceAsync(topic, [(null, "a"), (null, "b")])).ExpectSuccess();
        var lease = (await Api.ShareFetchAsync(topic, group, max: 1, visibilityMs: 600_000)).Ok().Items.Single();
        Assert.Equal(0L, lease.Offset);

        bool Row(string key) => key.StartsWith("share|", StringComparison.Ordinal) && key.Contains(group, StringComparison.Ordinal);

        // The other activation leases offset 1; this grain, still at frontier 1, would lease it again.
        fixture.EventLogStore.Tamper<ShareGroupState>(Row, s =>
        {
            s.Records.Add(new ShareRecordState { Offset = 1, Deliveries = 1, LeaseId = "1.0.1.1.0000abcd", LeasedUntil = DateTimeOffset.UtcNow.AddMinutes(10) });
            s.Next = 2;
        });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Api.ShareFetchAsync(topic, group, visibilityMs: 600_000)).StatusCode);
        Assert.Empty((await Api.ShareFetchAsync(topic, group, visibilityMs: 600_000)).Ok().Items);

        // The other activation acks offset 0; this grain still holds the lease as valid.
        fixture.EventLogStore.Tamper<ShareGroupState>(Row, s =>
        {
            s.Records.RemoveAll(r => r.Offset == 0);
            s.Acked++;
            s.Start = 1;
        });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Api.ShareSettleAsync(topic, group, "ack", [lease.LeaseId])).StatusCode);
        Assert.Equal("expired", (await Api.ShareSettleAsync(topic, group, "ack", [lease.LeaseId])).Ok().Results.Single().Status);

        var described = (await Api.DescribeShareGroupAsync(topic, group)).Ok().Partitions.Single();
        Assert.Equal((1L, 2L, 1, 1L), (described.Start, described.Next, described.Leased, described.Acked));
    }
}
