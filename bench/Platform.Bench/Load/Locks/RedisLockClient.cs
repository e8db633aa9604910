namespace Platform.Bench.Load.Locks;

/// <summary>
/// The usual redis lock: <c>SET name owner NX PX lease</c> to acquire (nil = held: no queue, the caller retries),
/// and a Lua compare-and-delete to release (<c>EVALSHA</c> of the script loaded once). No fencing token.
/// </summary>
internal sealed class RedisLockClient : ILockClient
{
    public const string ReleaseScript = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

    private readonly RespConnection _connection;
    private readonly string _leaseMs;
    private readonly string _releaseSha;

    private RedisLockClient(RespConnection connection, int leaseMs, string releaseSha)
    {
        _connection = connection;
        _leaseMs = leaseMs.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _releaseSha = releaseSha;
    }

    public static async Task<RedisLockClient> ConnectAsync(string host, int port, int leaseMs, CancellationToken cancellationToken)
    {
        var connection = await RespConnection.ConnectAsync(host, port, cancellationToken);
        var sha = (string?)await connection.CallAsync(cancellationToken, "SCRIPT", "LOAD", ReleaseScript)
            ?? throw new InvalidOperationException("redis: SCRIPT LOAD answered nil");
        return new RedisLockClient(connection, leaseMs, sha);
    }

    public async Task<long?> TryAcquireAsync(string name, string owner, int waitMs, CancellationToken cancellationToken) =>
        await _connection.CallAsync(cancellationToken, "SET", name, owner, "NX", "PX", _leaseMs) is null ? null : 0;

    public async Task ReleaseAsync(string name, string owner, long token, CancellationToken cancellationToken)
    {
        if (await _connection.CallAsync(cancellationToken, "EVALSHA", _releaseSha, "1", name, owner) is not 1L)
        {
            throw new InvalidOperationException($"redis: release of {name} by {owner} deleted nothing");
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
