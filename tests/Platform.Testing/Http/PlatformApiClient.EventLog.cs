using System.Globalization;

namespace Platform.Testing.Http;

/// <summary>Event log routes: topics, produce, reads, consumer groups.</summary>
public sealed partial class PlatformApiClient
{
    /// <summary><c>PUT /v1/topics/{topic}</c>: 201 created, 200 unchanged, 409 other settings.</summary>
    public Task<ApiResponse<TopicAnswer>> CreateTopicAsync(string topic, int? partitions = null, string? cleanup = null, int? maxRecordBytes = null, long? retentionMs = null, long? retentionBytes = null, CancellationToken cancellationToken = default) =>
        CallAsync<TopicAnswer>(HttpMethod.Put, $"/v1/topics/{Escape(topic)}", Json(new
        {
            partitions,
            cleanup,
            maxRecordBytes,
            retention = retentionMs is null && retentionBytes is null ? null : new { ms = retentionMs, bytes = retentionBytes },
        }), null, cancellationToken);

    public Task<ApiResponse<TopicAnswer>> GetTopicAsync(string topic, CancellationToken cancellationToken = default) =>
        CallAsync<TopicAnswer>(HttpMethod.Get, $"/v1/topics/{Escape(topic)}", null, null, cancellationToken);

    public Task<ApiResponse> DeleteTopicAsync(string topic, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"/v1/topics/{Escape(topic)}", null, null, cancellationToken);

    public Task<ApiResponse> ListTopicsAsync(int? limit = null, CancellationToken cancellationToken = default) =>
        GetAsync(limit is null ? "/v1/topics" : $"/v1/topics?limit={limit.Value.ToString(CultureInfo.InvariantCulture)}", cancellationToken);

    public Task<ApiResponse<TopicAnswer>> AddPartitionsAsync(string topic, int partitions, CancellationToken cancellationToken = default) =>
        CallAsync<TopicAnswer>(HttpMethod.Post, $"/v1/topics/{Escape(topic)}/partitions", Json(new { partitions }), null, cancellationToken);

    /// <summary><c>POST /v1/topics/{topic}/records</c> with text values; <paramref name="producer"/> makes it idempotent.</summary>
    public Task<ApiResponse<ProduceAnswer>> ProduceAsync(string topic, IEnumerable<(string? Key, string? Value)> records, (string Id, int Epoch, long Sequence)? producer = null, CancellationToken cancellationToken = default) =>
        CallAsync<ProduceAnswer>(HttpMethod.Post, $"/v1/topics/{Escape(topic)}/records", Json(new
        {
            records = records.Select(r => new { key = r.Key, value = r.Value }).ToList(),
            producerId = producer?.Id,
            epoch = producer?.Epoch,
            sequence = producer?.Sequence,
        }), null, cancellationToken);

    /// <summary><c>GET /v1/topics/{topic}/partitions/{p}/records</c>; <paramref name="query"/> is the rest of the query string (seek=latest, timestamp=...).</summary>
    public Task<ApiResponse<ReadAnswer>> ReadAsync(string topic, int partition, long? offset = 0, int? limit = null, int? waitMs = null, string? query = null, CancellationToken cancellationToken = default)
    {
        var parts = new List<string>();
        if (offset is { } o)
        {
            parts.Add($"offset={o.ToString(CultureInfo.InvariantCulture)}");
        }

        if (limit is { } l)
        {
            parts.Add($"limit={l.ToString(CultureInfo.InvariantCulture)}");
        }

        if (waitMs is { } w)
        {
            parts.Add($"waitMs={w.ToString(CultureInfo.InvariantCulture)}");
        }

        if (query is not null)
        {
            parts.Add(query);
        }

        var path = $"/v1/topics/{Escape(topic)}/partitions/{partition.ToString(CultureInfo.InvariantCulture)}/records" + (parts.Count > 0 ? "?" + string.Join('&', parts) : "");
        return CallAsync<ReadAnswer>(HttpMethod.Get, path, null, null, cancellationToken);
    }

    /// <summary><c>POST /v1/groups/{group}/members?waitMs=</c>.</summary>
    public Task<ApiResponse<JoinAnswer>> JoinGroupAsync(string group, IReadOnlyList<string> topics, string? memberId = null, string? instanceId = null, int? sessionTimeoutMs = null, string? assignor = null, int? waitMs = null, CancellationToken cancellationToken = default) =>
        CallAsync<JoinAnswer>(HttpMethod.Post, $"/v1/groups/{Escape(group)}/members" + (waitMs is { } w ? $"?waitMs={w.ToString(CultureInfo.InvariantCulture)}" : ""),
            Json(new { topics, memberId, instanceId, sessionTimeoutMs, assignor }), null, cancellationToken);

    public Task<ApiResponse<HeartbeatAnswer>> HeartbeatAsync(string group, string memberId, long generation, CancellationToken cancellationToken = default) =>
        CallAsync<HeartbeatAnswer>(HttpMethod.Post, $"/v1/groups/{Escape(group)}/members/{Escape(memberId)}/heartbeat", Json(new { generation }), null, cancellationToken);

    public Task<ApiResponse> LeaveGroupAsync(string group, string memberId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"/v1/groups/{Escape(group)}/members/{Escape(memberId)}", null, null, cancellationToken);

    /// <summary><c>POST /v1/groups/{group}/offsets</c>: 204, or 409 for a zombie (old generation, partitions it does not hold).</summary>
    public Task<ApiResponse> CommitAsync(string group, string memberId, long generation, IEnumerable<(string Topic, int Partition, long Offset)> offsets, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"/v1/groups/{Escape(group)}/offsets", Json(new
        {
            memberId,
            generation,
            offsets = offsets.Select(o => new { topic = o.Topic, partition = o.Partition, offset = o.Offset }).ToList(),
        }), null, cancellationToken);

    public Task<ApiResponse<GroupAnswer>> DescribeGroupAsync(string group, CancellationToken cancellationToken = default) =>
        CallAsync<GroupAnswer>(HttpMethod.Get, $"/v1/groups/{Escape(group)}", null, null, cancellationToken);

    /// <summary><c>POST /v1/topics/{topic}/shares/{group}/fetch?max=&amp;visibilityMs=&amp;waitMs=&amp;partition=</c>.</summary>
    public Task<ApiResponse<ShareFetchAnswer>> ShareFetchAsync(string topic, string group, int? max = null, int? visibilityMs = null, int? waitMs = null, int? partition = null, CancellationToken cancellationToken = default)
    {
        var parts = new List<string>();
        foreach (var (name, value) in new[] { ("max", max), ("visibilityMs", visibilityMs), ("waitMs", waitMs), ("partition", partition) })
        {
            if (value is { } v)
            {
                parts.Add($"{name}={v.ToString(CultureInfo.InvariantCulture)}");
            }
        }

        var path = $"/v1/topics/{Escape(topic)}/shares/{Escape(group)}/fetch" + (parts.Count > 0 ? "?" + string.Join('&', parts) : "");
        return CallAsync<ShareFetchAnswer>(HttpMethod.Post, path, null, null, cancellationToken);
    }

    /// <summary><c>POST /v1/topics/{topic}/shares/{group}/{action}</c> with <paramref name="action"/> <c>ack</c>, <c>nack</c> or <c>release</c>.</summary>
    public Task<ApiResponse<ShareSettleAnswer>> ShareSettleAsync(string topic, string group, string action, IEnumerable<string> leaseIds, CancellationToken cancellationToken = default) =>
        CallAsync<ShareSettleAnswer>(HttpMethod.Post, $"/v1/topics/{Escape(topic)}/shares/{Escape(group)}/{action}", Json(new { leaseIds = leaseIds.ToList() }), null, cancellationToken);

    public Task<ApiResponse<ShareGroupAnswer>> DescribeShareGroupAsync(string topic, string group, CancellationToken cancellationToken = default) =>
        CallAsync<ShareGroupAnswer>(HttpMethod.Get, $"/v1/topics/{Escape(topic)}/shares/{Escape(group)}", null, null, cancellationToken);
}
