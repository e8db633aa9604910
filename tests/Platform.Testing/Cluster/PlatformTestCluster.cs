using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Orleans.Providers;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;
using Platform.Client;
using Platform.EventLog;
using Platform.EventLog.Storage;
using Platform.KeyValue.Storage;
using Platform.Locks;
using Platform.Replication.Storage;
using Platform.Silo.Hosting;
using Platform.Testing.Http;
using Platform.Testing.Network;
using Platform.Testing.Storage;

namespace Platform.Testing.Cluster;

/// <summary>
/// An in-process Platform cluster built the way production builds one: silo hosts that call
/// <see cref="PlatformSiloExtensions.AddPlatformGrains"/> on real TCP loopback ports (localhost clustering, the first
/// silo holding the membership table), an Orleans client made by <c>AddPlatformClusterClient</c>, the typed client
/// (<c>AddPlatformClient</c>) over it, and optionally the HTTP client host (WebApplicationFactory) connected to the
/// silos' gateways like an external host. Everything test-specific (stores, clock, extra registrations) arrives
/// through <see cref="PlatformTestClusterOptions"/> as instances and lambdas; there are no static registries.
/// Orleans' <c>InProcessTestCluster</c> is not used because it forces its in-memory transport, which an HTTP host
/// connecting over TCP cannot join.
/// </summary>
public sealed class PlatformTestCluster : IAsyncDisposable
{
    private readonly List<TestSilo> _silos = [];
    private readonly Dictionary<string, string?> _settings;
    private IHost? _clientHost;
    private WebApplicationFactory<Program>? _httpHost;
    private HttpClient? _http;

    private PlatformTestCluster(PlatformTestClusterOptions options)
    {
        Options = options;
        ClusterId = "c" + Guid.NewGuid().ToString("N")[..12];
        var ports = FreePorts.Next(options.Silos * 2);
        for (var i = 0; i < options.Silos; i++)
        {
            _silos.Add(new TestSilo(i, ports[2 * i], ports[(2 * i) + 1]));
        }

        _settings = new Dictionary<string, string?>(options.Settings)
        {
            ["Platform:Cluster:ClusterId"] = ClusterId,
            ["Platform:Cluster:ServiceId"] = options.ServiceId,
            ["Platform:Client:Embedded"] = "false",
        };
        for (var i = 0; i < _silos.Count; i++)
        {
            _settings[$"Platform:Client:Gateways:{i}"] = $"127.0.0.1:{_silos[i].GatewayPort.ToString(CultureInfo.InvariantCulture)}";
        }

        if (options.Storage == StorageMode.AzureTable)
        {
            _settings["Platform:Storage:Provider"] = "AzureTable";
            _settings["Platform:Storage:ConnectionString"] = options.AzureTables;
            _settings["Platform:Storage:ShardTableName"] = options.TablePrefix + "Shards";
            _settings["Platform:Storage:GrainStateTableName"] = options.TablePrefix + "State";
            _settings["Platform:Storage:TransactionalStateTableName"] = options.TablePrefix + "Txn";
            _settings["Platform:Storage:ReplicaTableName"] = options.TablePrefix + "Replicas";
            _settings["Platform:Storage:EventLogTableName"] = options.TablePrefix + "Log";
        }
    }

    public PlatformTestClusterOptions Options { get; }

    public string ClusterId { get; }

    public string ServiceId => Options.ServiceId;

    public StorageMode Storage => Options.Storage;

    /// <summary>Configuration the silos, the typed client and the HTTP host were given.</summary>
    public IReadOnlyDictionary<string, string?> Settings => _settings;

    public IReadOnlyList<TestSilo> Silos => _silos;

    /// <summary>The first silo: it holds the membership table, so stop it only to end the cluster.</summary>
    public TestSilo Primary => _silos[0];

    /// <summary>Every silo but the first: the ones a test may stop, kill and restart.</summary>
    public IReadOnlyList<TestSilo> Secondaries => _silos.Skip(1).ToList();

    /// <summary>The cluster's Orleans client (transactions enabled), made by AddPlatformClusterClient in the client host.</summary>
    public IClusterClient Client => _clientHost?.Services.GetRequiredService<IClusterClient>() ?? throw new InvalidOperationException("The cluster client is not started.");

    /// <summary>The services of the client host: the typed client (IKeyValueStore, INamespaceAdmin, ILocks, ISemaphores, IElection, IClusterAdmin) over <see cref="Client"/>, on <see cref="PlatformTestClusterOptions.Time"/>.</summary>
    public IServiceProvider ClientServices => _clientHost?.Services ?? throw new InvalidOperationException("The typed client is not started.");

    /// <summary>The fake clock, when the cluster runs on one.</summary>
    public FakeTimeProvider? FakeTime => Options.Time as FakeTimeProvider;

    /// <summary>The HTTP client host (null when <see cref="PlatformTestClusterOptions.HttpHost"/> is off).</summary>
    public WebApplicationFactory<Program>? HttpHost => _httpHost;

    /// <summary>An HttpClient for the HTTP host's API.</summary>
    public HttpClient Http => _http ?? throw new InvalidOperationException("This cluster has no HTTP host (PlatformTestClusterOptions.HttpHost).");

    /// <summary>The Platform API client over <see cref="Http"/>.</summary>
    public PlatformApiClient Api => new(Http);

    /// <summary>A typed-client service, e.g. <c>Service&lt;IKeyValueStore&gt;()</c>.</summary>
    public T Service<T>()
        where T : notnull => ClientServices.GetRequiredService<T>();

    /// <summary>Starts the silos (the first alone, then the others together), the clients and the HTTP host.</summary>
    public static async Task<PlatformTestCluster> StartAsync(PlatformTestClusterOptions? options = null)
    {
        options ??= new PlatformTestClusterOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Silos, 1);
        var cluster = new PlatformTestCluster(options);
        try
        {
            await cluster.StartSiloAsync(0);
            await Task.WhenAll(cluster._silos.Skip(1).Select(s => cluster.StartSiloAsync(s.Index)));
            await cluster.StartClientsAsync();
            return cluster;
        }
        catch (Exception ex)
        {
            await cluster.DisposeAsync();
            throw new InvalidOperationException($"Starting a {options.Silos}-silo {options.Storage} test cluster failed: {ex.Message}", ex);
        }
    }

    /// <summary>Starts (or restarts) silo <paramref name="index"/> on its ports.</summary>
    public async Task StartSiloAsync(int index)
    {
        var silo = Slot(index);
        if (silo.IsRunning)
        {
            throw new InvalidOperationException($"{silo} is already running.");
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            EnvironmentName = Environments.Development,
            ApplicationName = $"{ClusterId}-silo-{index}",
        });
        builder.Configuration.AddInMemoryCollection(_settings);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.UseOrleans(siloBuilder =>
        {
            var primary = index == 0 ? null : new IPEndPoint(IPAddress.Loopback, Primary.SiloPort);
            siloBuilder.UseLocalhostClustering(silo.SiloPort, silo.GatewayPort, primary, ServiceId, ClusterId);
            siloBuilder.Services.AddSingleton<IReplicaIncarnations>(Options.MemoryStores.Incarnations);
            if (Storage == StorageMode.Memory)
            {
                var stores = Options.MemoryStores;
                siloBuilder.Services.AddSingleton<IShardStorage>(stores.Shards);
                siloBuilder.Services.AddKeyedSingleton<IGrainStorage>(LockGrain.StorageName,
                    (sp, _) => new SharedGrainStorage(stores.Leases, sp.GetRequiredService<DeepCopier>()));
                siloBuilder.Services.AddSingleton<IPartitionStorage>(stores.Partitions);
                siloBuilder.Services.AddKeyedSingleton<IGrainStorage>(TopicGrain.StorageName,
                    (sp, _) => new SharedGrainStorage(stores.EventLog, sp.GetRequiredService<DeepCopier>()));
            }

            siloBuilder.AddPlatformGrains(builder.Configuration);
            if (Storage == StorageMode.Memory)
            {
                // After the platform's registration, so it replaces Orleans' memory storage as the default.
                var stores = Options.MemoryStores;
                siloBuilder.Services.AddKeyedSingleton<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME,
                    (sp, _) => new SharedGrainStorage(stores.Grains, sp.GetRequiredService<DeepCopier>()));
            }

            if (Options.Time is { } time)
            {
                // Grains resolve the default TimeProvider (and Orleans drives grain timers with it); the runtime's
                // background areas keep the real clock, so advancing a fake one cannot starve or stampede them.
                siloBuilder.Services.AddSingleton(time);
                siloBuilder.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            }

            foreach (var configure in Options.ConfigureSilo)
            {
                configure(siloBuilder);
            }
        });

        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            throw;
        }

        silo.Host = host;
    }

    /// <summary>Stops a silo gracefully: it deactivates its grains and leaves the membership itself.</summary>
    public Task StopSiloAsync(int index) => StopAsync(Slot(index), graceful: true);

    /// <summary>
    /// Stops a silo with an already cancelled token: grains are not deactivated gracefully. It still tells the
    /// membership it leaves, so this is not a crash; real crashes belong to tests/Platform.ClusterTests (SIGKILL).
    /// </summary>
    public Task KillSiloAsync(int index) => StopAsync(Slot(index), graceful: false);

    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        _http = null;
        if (_httpHost is not null)
        {
            await _httpHost.DisposeAsync();
            _httpHost = null;
        }

        if (_clientHost is not null)
        {
            await StopHostAsync(_clientHost, graceful: true);
            _clientHost = null;
        }

        foreach (var silo in Enumerable.Reverse(_silos).Where(s => s.IsRunning))
        {
            await StopAsync(silo, graceful: true);
        }
    }

    private async Task StartClientsAsync()
    {
        var clientBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            EnvironmentName = Environments.Development,
            ApplicationName = $"{ClusterId}-client",
        });
        clientBuilder.Configuration.AddInMemoryCollection(_settings);
        clientBuilder.AddPlatformClusterClient();
        clientBuilder.Services.AddPlatformClient(clientBuilder.Configuration);
        if (Options.Time is { } time)
        {
            // As in the silos: Platform's client code (lease handles, the routing cache) on the given clock, the
            // Orleans client's messaging and gateway upkeep on the real one.
            clientBuilder.Services.AddSingleton(time);
            clientBuilder.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
        }

        _clientHost = clientBuilder.Build();
        await _clientHost.StartAsync();

        if (Options.HttpHost)
        {
            _httpHost = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
            {
                foreach (var (key, value) in _settings)
                {
                    web.UseSetting(key, value);
                }

                foreach (var configure in Options.ConfigureHttpHost)
                {
                    configure(web);
                }
            });
            _http = _httpHost.CreateClient();
        }
    }

    private static async Task StopAsync(TestSilo silo, bool graceful)
    {
        if (silo.Host is { } host)
        {
            silo.Host = null;
            await StopHostAsync(host, graceful);
        }
    }

    private static async Task StopHostAsync(IHost host, bool graceful)
    {
        try
        {
            using var cancelled = new CancellationTokenSource();
            if (!graceful)
            {
                await cancelled.CancelAsync();
            }

            await host.StopAsync(cancelled.Token);
        }
        catch (OperationCanceledException) when (!graceful)
        {
            // A kill does not wait for shutdown to finish.
        }
        finally
        {
            if (host is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync();
            }
            else
            {
                host.Dispose();
            }
        }
    }

    private TestSilo Slot(int index) =>
        index >= 0 && index < _silos.Count ? _silos[index] : throw new ArgumentOutOfRangeException(nameof(index), $"There are {_silos.Count} silos.");
}
