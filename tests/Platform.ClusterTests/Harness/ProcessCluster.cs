using System.Globalization;
using System.Text;
using Platform.Testing.Http;
using Platform.Testing.Network;
using Platform.Testing.Setup;
using Platform.Testing.Waiting;
using Xunit.Abstractions;

namespace Platform.ClusterTests.Harness;

/// <summary>
/// A real Platform cluster of separate OS processes on loopback: <see cref="ProcessClusterOptions.SiloCount"/> silos
/// (PostgreSQL membership, Azure Table or memory storage) and one client host (the HTTP API, a gateway client), with a fresh
/// ClusterId/ServiceId so clusters never share membership rows or stored state. It is also the nemesis: SIGKILL,
/// SIGSTOP/SIGCONT, SIGTERM and restart of any silo on its same ports. It builds nothing (scripts/test.sh builds
/// the solution first) and always kills its processes: on dispose, when starting fails, and when the test
/// process exits. Use a subclass with a parameterless constructor as an xunit collection fixture
/// (<see cref="ThreeSiloCluster"/>), see docs/testing.md.
/// </summary>
public class ProcessCluster : IAsyncLifetime
{
    private readonly List<SiloNode> _silos = [];
    private readonly PlatformApiClient _probe;
    private readonly string _postgres;
    private readonly string _azurite;
    private int _clientStarts;

    public ProcessCluster(ProcessClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SiloCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "SiloCount must be at least 1.");
        }

        Options = options;
        var id = $"{options.IdPrefix}-{DateTime.UtcNow:HHmmss}-{Guid.NewGuid().ToString("N")[..8]}";
        ClusterId = id;
        ServiceId = id;
        LogDirectory = options.LogDirectory ?? Path.Combine(Path.GetTempPath(), "platform-cluster-tests", id);

        // Fail loudly, before anything starts, when scripts/test.sh's servers are missing.
        _postgres = TestServers.Postgres;
        _azurite = TestServers.AzureTables;

        // Outside the ephemeral range and reserved for this process: a silo restarted on its ports finds them free.
        var ports = FreePorts.Next((options.SiloCount * 3) + 1);
        for (var i = 0; i < options.SiloCount; i++)
        {
            _silos.Add(new SiloNode(i, ports[3 * i], ports[(3 * i) + 1], ports[(3 * i) + 2]));
        }

        ClientHostPort = ports[^1];
        Http = new HttpClient { BaseAddress = ClientAddress, Timeout = TimeSpan.FromSeconds(30) };
        Api = new PlatformApiClient(Http);
        _probe = PlatformApiClient.Connect(ClientAddress, maxConnections: 2, timeout: TimeSpan.FromSeconds(5));
    }

    public ProcessClusterOptions Options { get; }

    /// <summary>The PostgreSQL connection string of the membership table (for a test's own Orleans client).</summary>
    public string Postgres => _postgres;

    /// <summary>Azurite's table port (from its connection string), e.g. to keep it reachable from a partitioned silo.</summary>
    public int StoragePort => int.Parse(System.Text.RegularExpressions.Regex.Match(_azurite, @"TableEndpoint=https?://[^:/;]+:(\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    public string ClusterId { get; }

    public string ServiceId { get; }

    /// <summary>Where each process's output is written (silo-N.log, client-host.log).</summary>
    public string LogDirectory { get; }

    public IReadOnlyList<SiloNode> Silos => _silos;

    public int ClientHostPort { get; }

    public Uri ClientAddress => new($"http://127.0.0.1:{ClientHostPort}");

    /// <summary>The client host's process (null before start).</summary>
    public PlatformProcess? ClientHost { get; private set; }

    /// <summary>An HttpClient for the client host's API (BaseAddress set; 30 s timeout; no retries).</summary>
    public HttpClient Http { get; }

    /// <summary>The Platform API over <see cref="Http"/>, sending once; <c>Api.With(...)</c> adds retries or a per-request timeout.</summary>
    public PlatformApiClient Api { get; }

    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch (Exception ex)
        {
            var tails = LogTails();
            await DisposeAsync();
            throw new InvalidOperationException($"Starting the process cluster {ClusterId} failed: {ex.Message}\nLogs in {LogDirectory}\n{tails}", ex);
        }
    }

    public Task DisposeAsync()
    {
        ClientHost?.Dispose();
        foreach (var silo in _silos)
        {
            silo.Process?.Dispose();
        }

        Http.Dispose();
        _probe.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Starts every silo (the first alone, so it can apply the schema), the client host, and waits until all are Active.</summary>
    public async Task StartAsync()
    {
        await StartSiloAsync(0);
        await Task.WhenAll(_silos.Skip(1).Select(s => StartSiloAsync(s.Index)));
        await StartClientHostAsync();
        await WaitForAllActiveAsync();
    }

    /// <summary>SIGKILL: the process vanishes without telling anyone; only failure detection notices.</summary>
    public void KillSilo(int index) => Node(index).Process?.Kill();

    /// <summary>SIGSTOP: the process freezes (sockets stay open, nothing answers) until <see cref="ResumeSilo"/>.</summary>
    public void PauseSilo(int index) => RunningProcess(index).Pause();

    /// <summary>SIGCONT after <see cref="PauseSilo"/>. A silo declared Dead meanwhile notices and stops itself.</summary>
    public void ResumeSilo(int index) => RunningProcess(index).Resume();

    /// <summary>
    /// SIGTERM and wait for the process to exit (graceful shutdown: it leaves the membership itself). Returns true
    /// when it exited within <see cref="ProcessClusterOptions.ShutdownTimeout"/>; otherwise it is SIGKILLed, false.
    /// </summary>
    public async Task<bool> TerminateSiloAsync(int index)
    {
        var process = RunningProcess(index);
        process.Signal(PosixSignal.Term);
        if (await process.WaitForExitAsync(Options.ShutdownTimeout))
        {
            return true;
        }

        process.Kill();
        return false;
    }

    /// <summary>
    /// Kills the slot's process if it still runs, starts a new one on the same ports and waits for /readyz.
    /// <paramref name="settings"/> override the cluster's configuration for this one process (e.g. its storage
    /// connection string through a proxy); a later restart goes back to the cluster's.
    /// </summary>
    public async Task RestartSiloAsync(int index, IReadOnlyDictionary<string, string>? settings = null)
    {
        var node = Node(index);
        node.Process?.Dispose();
        await StartSiloAsync(index, settings);
    }

    /// <summary>
    /// Undoes the nemesis: heals network partitions, resumes paused silos, restarts exited ones, restarts the client host if it died, and waits
    /// until every silo is Active. Call it at the start of each test that shares a cluster.
    /// </summary>
    public async Task EnsureHealthyAsync()
    {
        NetworkPartition.HealAll(_silos.Select(s => s.Process).Append(ClientHost));

        // A silo left paused is restarted, not resumed: resumed after being declared Dead it would run on as a
        // zombie until it notices (see RestartZombiesAsync), and nobody should depend on how long that takes.
        foreach (var silo in _silos.Where(s => s.Process is { IsPaused: true, HasExited: false }))
        {
            silo.Process!.Append($"==== {DateTime.UtcNow:O} harness: left paused by the previous test; restarting the slot");
            await RestartSiloAsync(silo.Index);
        }

        foreach (var silo in _silos.Where(s => !s.IsRunning))
        {
            await RestartSiloAsync(silo.Index);
        }

        // The client host first: finding zombies reads the cluster view through it.
        if (ClientHost is null || ClientHost.HasExited)
        {
            await StartClientHostAsync();
        }

        await RestartZombiesAsync();

        await WaitForAllActiveAsync();
    }

    /// <summary>
    /// Restarts every slot whose process still runs although the cluster has declared its silo Dead (a paused silo
    /// resumed too late to stop itself, or one that failed to): such a process would be a second, unsupervised
    /// member. Returns the slots restarted, each also noted in its log.
    /// </summary>
    public async Task<IReadOnlyList<int>> RestartZombiesAsync()
    {
        var view = await WaitForViewAsync(_ => true, "the cluster view");
        var zombies = _silos.Where(s => s.IsRunning && s.Process is { IsPaused: false } && view.IsDeclaredDead(s.SiloPort)).ToList();
        foreach (var silo in zombies)
        {
            silo.Process!.Append($"==== {DateTime.UtcNow:O} harness: declared Dead but still running; restarting the slot");
            await RestartSiloAsync(silo.Index);
        }

        return [.. zombies.Select(s => s.Index)];
    }

    /// <summary>
    /// Starts a <see cref="PinnedClientHost"/>: a second client host whose only gateway is silo
    /// <paramref name="siloIndex"/>, on a port of its own; waits for its /readyz.
    /// </summary>
    public async Task<PinnedClientHost> StartPinnedClientHostAsync(int siloIndex)
    {
        var node = Node(siloIndex);
        var port = FreePorts.Next();
        var args = new List<string>
        {
            "--Platform:Cluster:Provider=Localhost",
            $"--Platform:Cluster:ClusterId={ClusterId}",
            $"--Platform:Cluster:ServiceId={ServiceId}",
            "--Platform:Client:Embedded=false",
            $"--Platform:Client:Gateways:0=127.0.0.1:{node.GatewayPort}",
            $"--urls=http://127.0.0.1:{port}",
        };
        args.AddRange(Options.Settings.Select(kv => $"--{kv.Key}={kv.Value}"));
        args.AddRange(Options.ClientSettings.Select(kv => $"--{kv.Key}={kv.Value}"));
        var process = PlatformProcess.Start($"client-host pinned to silo {siloIndex}", PlatformBinaries.ClientHost, args, Path.Combine(LogDirectory, $"client-host-pinned-{siloIndex}.log"));
        var host = new PinnedClientHost(siloIndex, port, process);
        try
        {
            await process.WaitReadyAsync(host.Address, Options.StartTimeout);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary><c>GET /v1/cluster</c> on the client host; throws when it does not answer 200.</summary>
    public async Task<ClusterView> GetClusterViewAsync(CancellationToken cancellationToken = default) =>
        ClusterView.Parse((await _probe.GetClusterAsync(cancellationToken)).Expect(System.Net.HttpStatusCode.OK).Text);

    /// <summary>Polls <c>/v1/cluster</c> until <paramref name="condition"/> holds; the timeout names what was awaited and the last view.</summary>
    public Task<ClusterView> WaitForViewAsync(Func<ClusterView, bool> condition, string what, TimeSpan? timeout = null) =>
        Eventually.Until(GetClusterViewAsync, condition, what, new EventuallyOptions
        {
            Timeout = timeout ?? Options.MembershipTimeout,
            Interval = TimeSpan.FromMilliseconds(100),
            RetryOn = ex => ex is PlatformApiException or FormatException or System.Text.Json.JsonException,
            Describe = v => "/v1/cluster: " + (v as ClusterView)?.Summary(),
        });

    /// <summary>Waits until every silo slot's current process is Active in the client host's view.</summary>
    public Task<ClusterView> WaitForAllActiveAsync() =>
        WaitForViewAsync(v => _silos.All(s => v.IsActive(s.SiloPort)), $"all {_silos.Count} silos Active");

    /// <summary>The last lines of every process's log, for a failing test's output.</summary>
    public string LogTails(int lines = 40)
    {
        var sb = new StringBuilder();
        foreach (var p in _silos.Select(s => s.Process).Append(ClientHost).OfType<PlatformProcess>())
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"---- {p.Name} (pid {p.Pid}, {(p.HasExited ? $"exited {p.ExitCode}" : "running")}) {p.LogPath}");
            sb.AppendLine(p.Tail(lines));
        }

        return sb.ToString();
    }

    /// <summary>
    /// The longest one test body may run. A body stuck on a call with no deadline then fails, with the logs, instead
    /// of holding the whole run until CI kills it (a clean-clone run saw one wait 10 minutes after a SIGKILL).
    /// </summary>
    public static readonly TimeSpan TestDeadline = TimeSpan.FromMinutes(10);

    /// <summary>Runs a test body within <see cref="TestDeadline"/>; when it throws, writes every process's log tail to the test output first.</summary>
    public async Task RunAsync(ITestOutputHelper output, Func<Task> body)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            await body().WaitAsync(TestDeadline);
        }
        catch
        {
            output.WriteLine($"Test failed; process logs in {LogDirectory}");
            output.WriteLine(LogTails());
            throw;
        }
    }

    private SiloNode Node(int index) =>
        index >= 0 && index < _silos.Count ? _silos[index] : throw new ArgumentOutOfRangeException(nameof(index), $"There are {_silos.Count} silos.");

    private PlatformProcess RunningProcess(int index) =>
        Node(index).Process is { HasExited: false } p ? p : throw new InvalidOperationException($"{Node(index)} is not running.");

    private IEnumerable<string> ClusterArguments()
    {
        yield return "--Platform:Cluster:Provider=AdoNet";
        yield return $"--Platform:Cluster:ConnectionString={_postgres}";
        yield return $"--Platform:Cluster:ClusterId={ClusterId}";
        yield return $"--Platform:Cluster:ServiceId={ServiceId}";
        yield return $"--Platform:Storage:Provider={Options.Storage}";
        if (Options.Storage == "AzureTable")
        {
            yield return $"--Platform:Storage:ConnectionString={_azurite}";
        }

        yield return "--Logging:LogLevel:Orleans.Runtime.MembershipService=Information";
        foreach (var (key, value) in Options.Settings)
        {
            yield return $"--{key}={value}";
        }
    }

    private async Task StartSiloAsync(int index, IReadOnlyDictionary<string, string>? settings = null)
    {
        var node = Node(index);
        var args = ClusterArguments().Concat(
        [
            $"--Platform:Silo:Port={node.SiloPort}",
            $"--Platform:Silo:GatewayPort={node.GatewayPort}",
            $"--urls=http://127.0.0.1:{node.HttpPort}",
        ]);
        if (index == 0)
        {
            args = args.Append("--Platform:Cluster:InitializeSchema=true");
        }

        args = args.Concat(Options.SiloSettings.Select(kv => $"--{kv.Key}={kv.Value}"));

        // The command line's last value of a key wins.
        args = args.Concat((settings ?? new Dictionary<string, string>()).Select(kv => $"--{kv.Key}={kv.Value}"));
        node.Starts++;
        node.Process = PlatformProcess.Start($"silo-{index} (start {node.Starts})", PlatformBinaries.Silo, args, Path.Combine(LogDirectory, $"silo-{index}.log"));
        await node.Process.WaitReadyAsync(node.HttpAddress, Options.StartTimeout);
    }

    private async Task StartClientHostAsync()
    {
        ClientHost?.Dispose();
        _clientStarts++;
        var args = ClusterArguments().Concat(
        [
            "--Platform:Client:Embedded=false",
            $"--urls=http://127.0.0.1:{ClientHostPort}",
        ]).Concat(Options.ClientSettings.Select(kv => $"--{kv.Key}={kv.Value}"));
        ClientHost = PlatformProcess.Start($"client-host (start {_clientStarts})", PlatformBinaries.ClientHost, args, Path.Combine(LogDirectory, "client-host.log"));
        await ClientHost.WaitReadyAsync(ClientAddress, Options.StartTimeout);
    }
}
