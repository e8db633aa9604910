namespace Platform.Bench.Load.Log;

/// <summary>One log to benchmark (the platform over HTTP or the typed client, redis streams, NATS JetStream).</summary>
internal interface ILogTarget : IAsyncDisposable
{
    /// <summary>What the RESULT line calls it.</summary>
    string Name { get; }

    /// <summary>Creates the topic (stream) fresh with <paramref name="partitions"/> partitions where the target has them.</summary>
    Task PrepareAsync(string topic, int partitions, CancellationToken cancellationToken);

    /// <summary>Appends <paramref name="values"/> under <paramref name="key"/> in one request (one batch); returns when they are acknowledged.</summary>
    Task ProduceAsync(string topic, string key, IReadOnlyList<byte[]> values, CancellationToken cancellationToken);

    /// <summary>A group consumer of a one-partition topic from its end: yields every new record's value as it is seen.</summary>
    IAsyncEnumerable<byte[]> ConsumeAsync(string topic, string group, CancellationToken cancellationToken);
}
