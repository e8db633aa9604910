using BenchmarkDotNet.Attributes;
using Platform.Sharding;
using Platform.Validation;

namespace Platform.Bench.Micro;

/// <summary>The in-process part of every key operation's route: key check, ring lookup, shard grain key.</summary>
[MemoryDiagnoser]
public class RoutingBenchmarks
{
    private readonly HashRing _ring = new(NamespaceSettings.DefaultShards);
    private readonly NamespaceSettings _settings = new() { Name = "default", Shards = NamespaceSettings.DefaultShards, Generation = 1 };
    private string[] _keys = [];
    private int _next;

    [Params(16, 128)]
    public int KeyLength { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        _keys = [.. Enumerable.Range(0, 1024).Select(i => $"bench-{i:D7}".PadRight(KeyLength, (char)('a' + random.Next(26))))];
    }

    [Benchmark]
    public string? CheckKey() => NameRules.CheckKey(NextKey(), 512);

    [Benchmark]
    public int ShardFor() => _ring.ShardFor(NextKey());

    [Benchmark]
    public string ShardGrainKey() => _settings.Shard(_ring.ShardFor(NextKey())).ToGrainKey();

    [Benchmark]
    public static HashRing BuildRing64() => new(NamespaceSettings.DefaultShards);

    private string NextKey() => _keys[_next++ & 1023];
}
