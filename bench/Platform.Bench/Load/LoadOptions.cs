namespace Platform.Bench.Load;

/// <summary>The shape of one load run.</summary>
internal sealed record LoadOptions
{
    public required KeyValueOperation Operation { get; init; }

    /// <summary>Operations in flight at any time (one worker loop each).</summary>
    public required int Concurrency { get; init; }

    public required int ValueSize { get; init; }

    /// <summary>Distinct keys; each operation picks one uniformly at random.</summary>
    public required int Keys { get; init; }

    public required TimeSpan Duration { get; init; }

    /// <summary>Load before measuring starts (JIT, connection pools, grain activations).</summary>
    public required TimeSpan Warmup { get; init; }

    /// <summary>Write every key once before a GET run so that no read misses.</summary>
    public required bool Preload { get; init; }

    public required string Namespace { get; init; }

    public required string KeyPrefix { get; init; }

    /// <summary>A server process on this machine whose CPU time per operation is reported too (0: none).</summary>
    public int ServerPid { get; init; }

    public string KeyOf(int index) => $"{KeyPrefix}{index:D7}";
}
