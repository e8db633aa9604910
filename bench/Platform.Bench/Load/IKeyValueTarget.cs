namespace Platform.Bench.Load;

/// <summary>One way of reaching the key-value store (HTTP, typed client, ...), as the load driver calls it.</summary>
internal interface IKeyValueTarget : IAsyncDisposable
{
    /// <summary>What the summary line calls this target, e.g. <c>kv-http</c>.</summary>
    string Name { get; }

    /// <summary>Reads a key; throws if it is missing or the call fails.</summary>
    Task GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Writes a key; throws if the call fails.</summary>
    Task PutAsync(string key, byte[] value, CancellationToken cancellationToken);
}
