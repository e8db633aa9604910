using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Platform.Client.Host.Api;
using Platform.Errors;
using Platform.EventLog;
using static Platform.Client.Host.Api.RequestFields;

namespace Platform.Client.Host.EventLog;

/// <summary>
/// The EventLog block's HTTP API: <c>/v1/topics</c> (topics, produce, reads with long polls) and <c>/v1/groups</c>
/// (consumer groups with generation-fenced commits), and share groups under <c>/v1/topics/{topic}/shares/{group}</c>. Every handler calls <see cref="IEventLog"/>; path parameters are
/// the request target's own segments (<see cref="ApiPath"/>), and refusals answer through the error table.
/// </summary>
public static class EventLogApi
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    public static IEndpointRouteBuilder MapEventLogApi(this IEndpointRouteBuilder v1)
    {
        var topics = v1.MapGroup("/topics").WithTags("EventLog");
        topics.MapGet("/", ListTopics).WithName("ListTopics").WithSummary("Topic names in order, paged.")
            .ProducesProblems(400);
        topics.MapPut("/{topic}", PutTopic).WithName("PutTopic")
            .WithSummary("Create a topic (partitions 1-1024, retention, cleanup, maxRecordBytes); the same settings again answer 200, others 409.")
            .ProducesProblems(400, 409, 415);
        topics.MapGet("/{topic}", GetTopic).WithName("GetTopic").WithSummary("A topic's settings, generation and each partition's earliest and latest offset.")
            .ProducesProblems(400, 404);
        topics.MapDelete("/{topic}", DeleteTopic).WithName("DeleteTopic").WithSummary("Delete a topic and its records.")
            .ProducesProblems(400, 404);
        topics.MapPost("/{topic}/partitions", AddPartitions).WithName("AddPartitions")
            .WithSummary("Grow the partition count (never shrinks; keys hash onto the new count from then on).")
            .ProducesProblems(400, 404, 409, 415);
        topics.MapPost("/{topic}/records", Produce).WithName("Produce")
            .WithSummary("Append records: keyed ones to the ring's partition, keyless round-robin; idempotent with producerId, epoch and sequence.")
            .ProducesProblems(400, 404, 409, 413, 415);
        topics.MapGet("/{topic}/partitions/{partition}/records", Read).WithName("ReadRecords")
            .WithSummary("Records from offset (or seek=earliest|latest, or the first at timestamp, Unix ms); waits up to waitMs at the end.")
            .ProducesProblems(400, 404);

        topics.MapPost("/{topic}/shares/{group}/fetch", ShareFetch).WithName("ShareFetch")
            .WithSummary("Lease up to max records to this consumer of a share group for visibilityMs (redeliveries first); waits up to waitMs when none is there.")
            .ProducesProblems(400, 404);
        topics.MapPost("/{topic}/shares/{group}/ack", ShareAck).WithName("ShareAck")
            .WithSummary("Acknowledge leased records: done, never delivered again; the answer says per lease id what happened.")
            .ProducesProblems(400, 404, 415);
        topics.MapPost("/{topic}/shares/{group}/nack", ShareNack).WithName("ShareNack")
            .WithSummary("Fail leased records: delivered again, or to the dead-letter topic after ShareMaxDeliveries deliveries.")
            .ProducesProblems(400, 404, 415);
        topics.MapPost("/{topic}/shares/{group}/release", ShareRelease).WithName("ShareRelease")
            .WithSummary("Give leased records back unprocessed: delivered again, this delivery not counted.")
            .ProducesProblems(400, 404, 415);
        topics.MapGet("/{topic}/shares/{group}", DescribeShare).WithName("DescribeShareGroup")
            .WithSummary("A share group per partition: acknowledged start, fetch frontier, leased and redeliverable records.")
            .ProducesProblems(400, 404);
        var groups = v1.MapGroup("/groups").WithTags("EventLog");
        groups.MapPost("/{group}/members", Join).WithName("JoinGroup")
            .WithSummary("Join or rejoin (memberId) a consumer group; waits up to waitMs for the assignment to settle.")
            .ProducesProblems(400, 404, 409, 415);
        groups.MapPost("/{group}/members/{memberId}/heartbeat", Heartbeat).WithName("HeartbeatGroup")
            .WithSummary("Keep the session alive; answers the generation and whether to rejoin; 404 once the session ended.")
            .ProducesProblems(400, 404, 415);
        groups.MapDelete("/{group}/members/{memberId}", Leave).WithName("LeaveGroup").WithSummary("Leave the group; its partitions move to others.")
            .ProducesProblems(400, 404);
        groups.MapPost("/{group}/offsets", Commit).WithName("CommitOffsets")
            .WithSummary("Commit offsets; 409 unless the member holds each partition in the current generation.")
            .ProducesProblems(400, 409, 415);
        groups.MapGet("/{group}", Describe).WithName("DescribeGroup").WithSummary("Members, assignments, committed offsets and lag per partition.")
            .ProducesProblems(400, 404);
        return v1;
    }

    /// <summary>The wire name of an assignor.</summary>
    public static string AssignorName(GroupAssignor assignor) => assignor switch
    {
        GroupAssignor.Range => "range",
        GroupAssignor.RoundRobin => "round-robin",
        _ => "sticky",
    };

    private static async Task<Ok<TopicListResponse>> ListTopics(IEventLog log, int? limit, string? continuationToken, CancellationToken ct)
    {
        var page = await log.ListTopicsAsync(limit, continuationToken, ct);
        return TypedResults.Ok(new TopicListResponse(page.Items, page.ContinuationToken));
    }

    private static async Task<Results<Created<TopicResponse>, Ok<TopicResponse>>> PutTopic(IEventLog log, string topic, TopicRequest body, CancellationToken ct)
    {
        var (info, created) = await log.CreateTopicAsync(topic, new TopicSettings
        {
            Partitions = body.Partitions,
            RetentionMs = body.Retention?.Ms,
            RetentionBytes = body.Retention?.Bytes,
            Cleanup = body.Cleanup ?? TopicCleanup.Delete,
            MaxRecordBytes = body.MaxRecordBytes,
        }, ct);
        var response = TopicResponse.From(info);
        return created ? TypedResults.Created($"/v1/topics/{Uri.EscapeDataString(topic)}", response) : TypedResults.Ok(response);
    }

    private static async Task<Ok<TopicResponse>> GetTopic(IEventLog log, string topic, CancellationToken ct)
    {
        var info = await log.GetTopicAsync(topic, ct) ?? throw new PlatformNotFoundException($"Topic '{topic}' does not exist.");
        return TypedResults.Ok(TopicResponse.From(info, await log.GetOffsetsAsync(topic, ct)));
    }

    private static async Task<NoContent> DeleteTopic(IEventLog log, string topic, CancellationToken ct) =>
        await log.DeleteTopicAsync(topic, ct) ? TypedResults.NoContent() : throw new PlatformNotFoundException($"Topic '{topic}' does not exist.");

    private static async Task<Ok<TopicResponse>> AddPartitions(IEventLog log, string topic, PartitionsRequest body, CancellationToken ct) =>
        TypedResults.Ok(TopicResponse.From(await log.AddPartitionsAsync(topic, Required(body.Partitions, "partitions"), ct)));

    private static async Task<Ok<ProduceResponse>> Produce(IEventLog log, string topic, ProduceRequest body, CancellationToken ct)
    {
        var records = body.Records ?? throw new PlatformValidationException("records", "is required");
        var parsed = new List<ProduceRecord>(records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i] ?? throw new PlatformValidationException($"records[{i}]", "must be an object");
            if (record.Value is not null && record.ValueBase64 is not null)
            {
                throw new PlatformValidationException($"records[{i}].valueBase64", "must not be given together with value");
            }

            byte[]? value = null;
            if (record.Value is not null)
            {
                value = StrictUtf8.GetBytes(record.Value);
            }
            else if (record.ValueBase64 is not null)
            {
                try
                {
                    value = Convert.FromBase64String(record.ValueBase64);
                }
                catch (FormatException)
                {
                    throw new PlatformValidationException($"records[{i}].valueBase64", "is not valid base64");
                }
            }

            parsed.Add(new ProduceRecord { Key = record.Key, Value = value, Headers = record.Headers, Partition = record.Partition });
        }

        ProducerIdentity? producer = null;
        if (body.ProducerId is not null || body.Epoch is not null || body.Sequence is not null)
        {
            producer = new ProducerIdentity(
                body.ProducerId ?? throw new PlatformValidationException("producerId", "is required with epoch and sequence"),
                Required(body.Epoch, "epoch"),
                Required(body.Sequence, "sequence"));
        }

        var result = await log.ProduceAsync(topic, parsed, producer, ct);
        return TypedResults.Ok(new ProduceResponse([.. result.Records.Select(r => new RecordPositionResponse(r.Partition, r.Offset))], result.Duplicate));
    }

    private static async Task<Ok<ReadResponse>> Read(
        IEventLog log, string topic, string partition, long? offset, int? limit, int? waitMs, string? seek, long? timestamp, CancellationToken ct)
    {
        var index = ParsePartition(partition);
        var given = (offset is null ? 0 : 1) + (seek is null ? 0 : 1) + (timestamp is null ? 0 : 1);
        if (given > 1)
        {
            throw new PlatformValidationException(seek is not null ? "seek" : "timestamp", "give at most one of offset, seek and timestamp");
        }

        var start = (offset, seek, timestamp) switch
        {
            ({ } o, _, _) => ReadStart.At(o),
            (_, "earliest", _) => ReadStart.Earliest,
            (_, "latest", _) => new ReadStart { Latest = true },
            (_, { } other, _) => throw new PlatformValidationException("seek", $"must be earliest or latest (got '{(other.Length > 40 ? other[..40] + "..." : other)}')"),
            (_, _, { } ms) when ms is >= 0 and <= 253402300799999 => new ReadStart { Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(ms) },
            (_, _, { } ms) => throw new PlatformValidationException("timestamp", $"must be Unix milliseconds between 0 and 253402300799999 (got {ms})"),
            _ => ReadStart.Earliest,
        };
        var page = await log.ReadAsync(topic, index, start, limit, waitMs ?? 0, ct);
        return TypedResults.Ok(new ReadResponse([.. page.Records.Select(RecordResponse.From)], page.NextOffset, page.EarliestOffset, page.LatestOffset));
    }

    private static async Task<Ok<JoinResponse>> Join(IEventLog log, IOptions<EventLogOptions> options, string group, JoinRequest body, int? waitMs, CancellationToken ct)
    {
        var assignor = body.Assignor switch
        {
            null or "range" => GroupAssignor.Range,
            "round-robin" or "roundRobin" => GroupAssignor.RoundRobin,
            "sticky" => GroupAssignor.Sticky,
            { } other => throw new PlatformValidationException("assignor", $"must be range, round-robin or sticky (got '{(other.Length > 40 ? other[..40] + "..." : other)}')"),
        };
        var request = new GroupJoinRequest
        {
            Topics = body.Topics ?? throw new PlatformValidationException("topics", "is required"),
            MemberId = body.MemberId,
            InstanceId = body.InstanceId,
            SessionTimeoutMs = body.SessionTimeoutMs ?? options.Value.DefaultSessionTimeoutMs,
            Assignor = assignor,
        };

        return TypedResults.Ok(JoinResponse.From(await log.JoinGroupAsync(group, request, waitMs ?? 0, ct)));
    }

    private static async Task<Ok<HeartbeatResponse>> Heartbeat(IEventLog log, string group, string memberId, HeartbeatRequest body, CancellationToken ct)
    {
        var beat = await log.HeartbeatAsync(group, memberId, Required(body.Generation, "generation"), ct);
        return TypedResults.Ok(new HeartbeatResponse(beat.Generation, beat.Rejoin));
    }

    private static async Task<NoContent> Leave(IEventLog log, string group, string memberId, CancellationToken ct) =>
        await log.LeaveGroupAsync(group, memberId, ct) ? TypedResults.NoContent() : throw new PlatformNotFoundException($"Member '{memberId}' is not in group '{group}'.");

    private static async Task<NoContent> Commit(IEventLog log, string group, CommitRequest body, CancellationToken ct)
    {
        var offsets = body.Offsets ?? throw new PlatformValidationException("offsets", "is required");
        var parsed = offsets.Select((o, i) => o is null
            ? throw new PlatformValidationException($"offsets[{i}]", "must be an object")
            : new OffsetCommit(
                o.Topic ?? throw new PlatformValidationException($"offsets[{i}].topic", "is required"),
                Required(o.Partition, $"offsets[{i}].partition"),
                Required(o.Offset, $"offsets[{i}].offset"))).ToList();
        await log.CommitAsync(group, body.MemberId ?? throw new PlatformValidationException("memberId", "is required"), Required(body.Generation, "generation"), parsed, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<GroupResponse>> Describe(IEventLog log, string group, CancellationToken ct) =>
        TypedResults.Ok(GroupResponse.From(await log.DescribeGroupAsync(group, ct)));

    private static async Task<Ok<ShareFetchResponse>> ShareFetch(
        IEventLog log, string topic, string group, int? max, int? visibilityMs, int? waitMs, string? partition, CancellationToken ct)
    {
        var leases = await log.FetchAsync(topic, group, new ShareFetchOptions
        {
            Max = max,
            VisibilityMs = visibilityMs,
            WaitMs = waitMs ?? 0,
            Partition = partition is null ? null : ParsePartition(partition),
        }, ct);
        return TypedResults.Ok(new ShareFetchResponse([.. leases.Select(ShareLeaseResponse.From)]));
    }

    private static Task<Ok<ShareSettleResponse>> ShareAck(IEventLog log, string topic, string group, ShareSettleRequest body, CancellationToken ct) =>
        SettleAsync(log.AckAsync, topic, group, body, ct);

    private static Task<Ok<ShareSettleResponse>> ShareNack(IEventLog log, string topic, string group, ShareSettleRequest body, CancellationToken ct) =>
        SettleAsync(log.NackAsync, topic, group, body, ct);

    private static Task<Ok<ShareSettleResponse>> ShareRelease(IEventLog log, string topic, string group, ShareSettleRequest body, CancellationToken ct) =>
        SettleAsync(log.ReleaseAsync, topic, group, body, ct);

    private static async Task<Ok<ShareSettleResponse>> SettleAsync(
        Func<string, string, IReadOnlyList<string>, CancellationToken, Task<IReadOnlyList<ShareSettleResult>>> settle, string topic, string group, ShareSettleRequest body, CancellationToken ct)
    {
        var ids = body.LeaseIds ?? throw new PlatformValidationException("leaseIds", "is required");
        var parsed = ids.Select((id, i) => id ?? throw new PlatformValidationException($"leaseIds[{i}]", "must be a string")).ToList();
        var results = await settle(topic, group, parsed, ct);
        return TypedResults.Ok(new ShareSettleResponse([.. results.Select(ShareSettleResultResponse.From)]));
    }

    private static async Task<Ok<ShareGroupResponse>> DescribeShare(IEventLog log, string topic, string group, CancellationToken ct) =>
        TypedResults.Ok(ShareGroupResponse.From(await log.DescribeShareGroupAsync(topic, group, ct)));

    /// <summary>A partition in the path: a non-negative decimal number.</summary>
    private static int ParsePartition(string partition) =>
        partition.Length <= 9 && int.TryParse(partition, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? index
            : throw new PlatformValidationException("partition", $"must be a partition number (got '{(partition.Length > 40 ? partition[..40] + "..." : partition)}')");
}
