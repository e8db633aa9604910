using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Platform.Testing.Http;

/// <summary>Lock, semaphore and election routes.</summary>
public sealed partial class PlatformApiClient
{
    /// <summary><c>POST /v1/locks/{name}/acquire</c>: 200 with the grant, 409 naming the holders.</summary>
    public Task<ApiResponse<LeaseGrant>> AcquireLockAsync(string name, string owner, int? leaseMs = null, int? waitMs = null, string? mode = null, CancellationToken cancellationToken = default) =>
        CallAsync<LeaseGrant>(HttpMethod.Post, LeasePath("locks", name, "acquire"), JsonObject(w =>
        {
            w.WriteString("owner", owner);
            WriteOptional(w, "leaseMs", leaseMs);
            WriteOptional(w, "waitMs", waitMs);
            if (mode is not null)
            {
                w.WriteString("mode", mode);
            }
        }), null, cancellationToken);

    public Task<ApiResponse<LeaseGrant>> RenewLockAsync(string name, string owner, long token, int? leaseMs = null, CancellationToken cancellationToken = default) =>
        RenewAsync("locks", name, owner, token, leaseMs, cancellationToken);

    /// <summary><c>POST /v1/locks/{name}/release</c>: 204, or 409 for a wrong owner or token.</summary>
    public Task<ApiResponse> ReleaseLockAsync(string name, string owner, long token, CancellationToken cancellationToken = default) =>
        ReleaseAsync("locks", name, owner, token, cancellationToken);

    public Task<ApiResponse<LeaseInfo>> GetLockAsync(string name, CancellationToken cancellationToken = default) =>
        CallAsync<LeaseInfo>(HttpMethod.Get, LeasePath("locks", name, null), null, null, cancellationToken);

    /// <summary><c>PUT /v1/semaphores/{name}</c>.</summary>
    public Task<ApiResponse<LeaseInfo>> SetPermitsAsync(string name, int permits, CancellationToken cancellationToken = default) =>
        CallAsync<LeaseInfo>(HttpMethod.Put, LeasePath("semaphores", name, null), JsonObject(w => w.WriteNumber("permits", permits)), null, cancellationToken);

    public Task<ApiResponse<LeaseGrant>> AcquireSemaphoreAsync(string name, string owner, int? count = null, int? leaseMs = null, int? waitMs = null, CancellationToken cancellationToken = default) =>
        CallAsync<LeaseGrant>(HttpMethod.Post, LeasePath("semaphores", name, "acquire"), JsonObject(w =>
        {
            w.WriteString("owner", owner);
            WriteOptional(w, "count", count);
            WriteOptional(w, "leaseMs", leaseMs);
            WriteOptional(w, "waitMs", waitMs);
        }), null, cancellationToken);

    public Task<ApiResponse<LeaseGrant>> RenewSemaphoreAsync(string name, string owner, long token, int? leaseMs = null, CancellationToken cancellationToken = default) =>
        RenewAsync("semaphores", name, owner, token, leaseMs, cancellationToken);

    public Task<ApiResponse> ReleaseSemaphoreAsync(string name, string owner, long token, CancellationToken cancellationToken = default) =>
        ReleaseAsync("semaphores", name, owner, token, cancellationToken);

    public Task<ApiResponse<LeaseInfo>> GetSemaphoreAsync(string name, CancellationToken cancellationToken = default) =>
        CallAsync<LeaseInfo>(HttpMethod.Get, LeasePath("semaphores", name, null), null, null, cancellationToken);

    /// <summary><c>POST /v1/elections/{name}/campaign</c>: 200 with leader and term, 409 naming the leader.</summary>
    public Task<ApiResponse<LeaderInfo>> CampaignAsync(string name, string candidate, int? leaseMs = null, int? waitMs = null, CancellationToken cancellationToken = default) =>
        CallAsync<LeaderInfo>(HttpMethod.Post, LeasePath("elections", name, "campaign"), JsonObject(w =>
        {
            w.WriteString("candidate", candidate);
            WriteOptional(w, "leaseMs", leaseMs);
            WriteOptional(w, "waitMs", waitMs);
        }), null, cancellationToken);

    /// <summary><c>POST /v1/elections/{name}/proclaim</c>: the leader keeps its lease.</summary>
    public Task<ApiResponse<LeaderInfo>> ProclaimAsync(string name, string candidate, long term, int? leaseMs = null, CancellationToken cancellationToken = default) =>
        CallAsync<LeaderInfo>(HttpMethod.Post, LeasePath("elections", name, "proclaim"), JsonObject(w =>
        {
            w.WriteString("candidate", candidate);
            w.WriteNumber("term", term);
            WriteOptional(w, "leaseMs", leaseMs);
        }), null, cancellationToken);

    public async Task<ApiResponse> ResignAsync(string name, string candidate, long term, CancellationToken cancellationToken = default) =>
        await CallAsync<NoBody>(HttpMethod.Post, LeasePath("elections", name, "resign"), JsonObject(w =>
        {
            w.WriteString("candidate", candidate);
            w.WriteNumber("term", term);
        }), null, cancellationToken);

    public Task<ApiResponse<LeaderInfo>> GetLeaderAsync(string name, CancellationToken cancellationToken = default) =>
        CallAsync<LeaderInfo>(HttpMethod.Get, LeasePath("elections", name, null), null, null, cancellationToken);

    /// <summary>
    /// <c>GET /v1/elections/{name}/watch</c> as Server-Sent Events: the current leader first, then one event per change.
    /// Throws <see cref="PlatformApiException"/> unless the answer is a 200 <c>text/event-stream</c>; ends when the
    /// stream ends or <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async IAsyncEnumerable<LeaderInfo> WatchLeaderAsync(string name, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var path = LeasePath("elections", name, "watch");
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var type = response.Content.Headers.ContentType?.MediaType;
        if (response.StatusCode != HttpStatusCode.OK || type != "text/event-stream")
        {
            throw new PlatformApiException($"GET {path}: expected a 200 text/event-stream, got {(int)response.StatusCode} {type}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        using var body = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        while (await ReadLineOrEndAsync(body, cancellationToken) is { } line)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                yield return JsonSerializer.Deserialize<LeaderInfo>(line.AsSpan(5).Trim(), PlatformApiJson.Options)
                    ?? throw new PlatformApiException($"GET {path}: an empty leader event");
            }
        }
    }

    private static async Task<string?> ReadLineOrEndAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadLineAsync(cancellationToken);
        }
        catch (IOException)
        {
            return null; // the server or the test ended the stream
        }
    }

    private Task<ApiResponse<LeaseGrant>> RenewAsync(string kind, string name, string owner, long token, int? leaseMs, CancellationToken cancellationToken) =>
        CallAsync<LeaseGrant>(HttpMethod.Post, LeasePath(kind, name, "renew"), JsonObject(w =>
        {
            w.WriteString("owner", owner);
            w.WriteNumber("token", token);
            WriteOptional(w, "leaseMs", leaseMs);
        }), null, cancellationToken);

    private async Task<ApiResponse> ReleaseAsync(string kind, string name, string owner, long token, CancellationToken cancellationToken) =>
        await CallAsync<NoBody>(HttpMethod.Post, LeasePath(kind, name, "release"), JsonObject(w =>
        {
            w.WriteString("owner", owner);
            w.WriteNumber("token", token);
        }), null, cancellationToken);

    private static string LeasePath(string kind, string name, string? action) =>
        action is null ? $"/v1/{kind}/{Escape(name)}" : $"/v1/{kind}/{Escape(name)}/{action}";
}
