using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Platform.KeyValue;
using Platform.Telemetry;

namespace Platform.Bench.Micro;

/// <summary>
/// What the always-on instruments cost per call: the incoming grain-call filter every silo runs
/// (<see cref="GrainCallMetricsFilter"/>: block lookup, log scope, counter and histogram) around a call that does
/// nothing, against the same call without it; and one counter add through <see cref="BlockInstruments"/>. With
/// <see cref="Exported"/> the Platform meter is collected by OpenTelemetry's Prometheus exporter, as on /metrics;
/// without it nothing listens (instruments created, measurements dropped at the instrument).
/// </summary>
[MemoryDiagnoser]
public class TelemetryBenchmarks
{
    private ServiceProvider? _services;
    private MeterProvider? _exporter;
    private ILoggerFactory? _logs;
    private GrainCallMetricsFilter _filter = null!;
    private GrainCallMetrics _metrics = null!;
    private NamedCounter _hits = null!;
    private BenchGrainCallContext _kvWrite = null!;
    private BenchGrainCallContext _otherGrain = null!;
    private GrainCallBlock _block;
    private ILogger _scopeLogger = null!;

    /// <summary>True: an OpenTelemetry meter provider with the Prometheus exporter collects the Platform meter.</summary>
    [Params(false, true)]
    public bool Exported { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = _services.GetRequiredService<IMeterFactory>();
        if (Exported)
        {
            _exporter = Sdk.CreateMeterProviderBuilder().AddMeter(PlatformMeter.Name).AddPrometheusExporter().Build();
        }

        // A console logger as the hosts have (scopes on, nothing written: the filter only opens a scope).
        _logs = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.IncludeScopes = true).SetMinimumLevel(LogLevel.Warning));
        _metrics = new GrainCallMetrics(meters);
        _filter = new GrainCallMetricsFilter(_metrics, _logs.CreateLogger<GrainCallMetricsFilter>());
        _scopeLogger = _logs.CreateLogger("Bench");
        _hits = new BlockInstruments(meters, "bench", "cache").Counter("hits", "{read}", "Benchmark counter.");
        _kvWrite = new BenchGrainCallContext(typeof(IKeyValueShardGrain), nameof(IKeyValueShardGrain.Write), "orders/1/3");
        _otherGrain = new BenchGrainCallContext(typeof(IManagementGrain), nameof(IManagementGrain.GetHosts), "0");
        _block = GrainCallBlock.Of(typeof(IKeyValueShardGrain), "orders/1/3")!.Value;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _exporter?.Dispose();
        _logs?.Dispose();
        _services?.Dispose();
    }

    /// <summary>The call alone: what a silo does without the filter.</summary>
    [Benchmark(Baseline = true)]
    public Task KvCall_WithoutFilter() => _kvWrite.Invoke();

    /// <summary>The same call through the metrics filter.</summary>
    [Benchmark]
    public Task KvCall_ThroughFilter() => _filter.Invoke(_kvWrite);

    /// <summary>A call to a grain outside Platform (Orleans' management grain): the filter only looks it up.</summary>
    [Benchmark]
    public Task OtherGrainCall_ThroughFilter() => _filter.Invoke(_otherGrain);

    /// <summary>The filter's first step alone: the block of the call from its interface and grain key.</summary>
    [Benchmark]
    public GrainCallBlock? Lookup_BlockOfCall() => GrainCallBlock.Of(_kvWrite.InterfaceMethod.DeclaringType, _kvWrite.TargetId.Key.ToString());

    /// <summary>The filter's log scope alone (block and namespace), opened and closed.</summary>
    [Benchmark]
    public void Scope_OpenAndClose()
    {
        using var scope = _scopeLogger.BeginScope(new KeyValuePair<string, object>[] { new("Block", "kv"), new("namespace", "orders") });
    }

    /// <summary>Recording one call's counter and histogram, without the filter's lookup and scope.</summary>
    [Benchmark]
    public void Record_OneCall() => _metrics.Record(_block, "Write", null, TimeSpan.FromTicks(1234));

    /// <summary>One counter add with the block's bounded name label (a cache hit).</summary>
    [Benchmark]
    public void NamedCounter_Add() => _hits.Add("orders-cache");
}
