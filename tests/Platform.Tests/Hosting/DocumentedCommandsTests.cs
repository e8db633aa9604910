using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Platform.Testing.Http;
using Platform.Testing.Network;
using Platform.Testing.Setup;
using Platform.Testing.Waiting;

namespace Platform.Tests.Hosting;

/// <summary>
/// Every <c>dotnet run --project &lt;path&gt;</c> in README.md and docs/ names a runnable project, and each documented
/// host started that way answers <c>/healthz</c>. Runs the Release build scripts/test.sh makes (<c>--no-build</c>).
/// </summary>
public sealed partial class DocumentedCommandsTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private static readonly string Root = RepositoryRoot.Path;

    /// <summary>The documented hosts (web projects) for the theory below.</summary>
    public static TheoryData<string> DocumentedHosts() => new(HostProjects());

    /// <summary>The project paths of the documented hosts (web projects); the others (the bench) are console tools.</summary>
    private static List<string> HostProjects() =>
        DocumentedProjects()
            .Select(c => c.Project)
            .Distinct(StringComparer.Ordinal)
            .Where(p => ProjectFile(p) is { } file && File.ReadAllText(file).Contains("Sdk=\"Microsoft.NET.Sdk.Web\"", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Each <c>--project</c> path the docs give is one runnable project, and both hosts are documented.</summary>
    [Fact]
    public void EveryDocumentedRunCommand_NamesARunnableProject()
    {
        var commands = DocumentedProjects();
        Assert.NotEmpty(commands);
        foreach (var (document, project) in commands)
        {
            var file = ProjectFile(project);
            Assert.True(file is not null, $"{document}: `dotnet run --project {project}` names no single project (no one .csproj there).");
            var text = File.ReadAllText(file);
            Assert.True(
                text.Contains("Sdk=\"Microsoft.NET.Sdk.Web\"", StringComparison.Ordinal) || text.Contains("<OutputType>Exe</OutputType>", StringComparison.Ordinal),
                $"{document}: {project} is not an executable project.");
        }

        var hosts = HostProjects();
        Assert.Contains("src/Client/Platform.Client.Host", hosts);
        Assert.Contains("src/Silo/Platform.Silo", hosts);
    }

    /// <summary>
    /// The host's documented run command, on free ports, answers GET /healthz with 200; then the process and its
    /// children are killed. Polls for up to two minutes and never asserts on how fast the host started.
    /// </summary>
    [Theory]
    [MemberData(nameof(DocumentedHosts))]
    public async Task DocumentedHost_StartedAsDocumented_AnswersHealthz(string project)
    {
        var ports = FreePorts.Next(3);
        var url = $"http://127.0.0.1:{ports[0].ToString(CultureInfo.InvariantCulture)}";
        var start = new ProcessStartInfo("dotnet",
        [
            "run", "--project", project, "--no-build", "-c", "Release", "--",
            "--urls", url,
            $"--Platform:Silo:Port={ports[1].ToString(CultureInfo.InvariantCulture)}",
            $"--Platform:Silo:GatewayPort={ports[2].ToString(CultureInfo.InvariantCulture)}",
        ])
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        Assert.True(process.Start(), $"dotnet run --project {project} did not start.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var api = new PlatformApiClient(http);

            // A busy machine may listen late or answer slowly: a refused connection or a client timeout is "not yet".
            await Eventually.Until(
                ct => process.HasExited
                    ? throw new InvalidOperationException($"`dotnet run --project {project}` exited with {process.ExitCode} before answering /healthz:\n{Tail(output)}")
                    : api.GetAsync(url + "/healthz", ct),
                r => r.Status == 200,
                $"`dotnet run --project {project}` to answer GET {url}/healthz with 200",
                new EventuallyOptions { Timeout = StartTimeout, Interval = TimeSpan.FromMilliseconds(250), Describe = r => $"{r}\n{Tail(output)}" });
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(exit.Token);
        }
    }

    /// <summary>(document, project path) of every <c>dotnet run ... --project &lt;path&gt;</c> in README.md, docs/ and deploy/.</summary>
    private static List<(string Document, string Project)> DocumentedProjects()
    {
        var documents = new[] { Path.Combine(Root, "README.md") }
            .Concat(Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md"))
            .Concat(Directory.EnumerateFiles(Path.Combine(Root, "deploy"), "*.md", SearchOption.AllDirectories));
        var commands = new List<(string, string)>();
        foreach (var document in documents)
        {
            foreach (Match match in RunCommand().Matches(File.ReadAllText(document)))
            {
                commands.Add((Path.GetRelativePath(Root, document), match.Groups["project"].Value.TrimEnd('/')));
            }
        }

        return commands;
    }

    /// <summary>The project <c>dotnet run --project</c> would pick for <paramref name="project"/>: a .csproj, or the only one in a folder.</summary>
    private static string? ProjectFile(string project)
    {
        var path = Path.Combine(Root, project);
        if (File.Exists(path) && path.EndsWith(".csproj", StringComparison.Ordinal))
        {
            return path;
        }

        var files = Directory.Exists(path) ? Directory.GetFiles(path, "*.csproj") : [];
        return files.Length == 1 ? files[0] : null;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Tail(StringBuilder output)
    {
        lock (output)
        {
            var text = output.ToString();
            return text.Length <= 4000 ? text : text[^4000..];
        }
    }

    [GeneratedRegex(@"dotnet run\b[^\n`]*?--project\s+(?<project>[^\s`]+)")]
    private static partial Regex RunCommand();
}
