namespace Platform.Bench.Load.Log;

/// <summary>Produce load as the load driver drives it: each PUT is one produce of <c>batch</c> records under the key.</summary>
internal sealed class LogProduceTarget(ILogTarget log, string topic, int batch) : IKeyValueTarget
{
    public string Name => $"{log.Name}-produce-b{batch}";

    public Task GetAsync(string key, CancellationToken cancellationToken) => throw new NotSupportedException("log targets only produce");

    public Task PutAsync(string key, byte[] value, CancellationToken cancellationToken) =>
        log.ProduceAsync(topic, key, Enumerable.Repeat(value, batch).ToList(), cancellationToken);

    public ValueTask DisposeAsync() => log.DisposeAsync();
}
