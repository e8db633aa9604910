using System.CommandLine;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Platform.Bench.Micro;

namespace Platform.Bench.Commands;

/// <summary><c>micro</c>: BenchmarkDotNet on in-process paths, run in this process (no generated project to build).</summary>
internal static class MicroCommand
{
    private static readonly string[] AllBenchmarks = ["--filter", "*"];

    public static Command Create()
    {
        var full = new Option<bool>("--full") { Description = "BenchmarkDotNet's default job (slower, tighter) instead of its short run." };
        var filter = new Option<string[]>("--filter") { Description = "Glob(s) over benchmark names, e.g. *ShardFor*.", AllowMultipleArgumentsPerToken = true };
        var command = new Command("micro", "BenchmarkDotNet: HashRing.ShardFor, NameRules.CheckKey, the shard grain key, and the cost of the always-on instruments.") { full, filter };
        command.SetAction(result =>
        {
            var job = (result.GetValue(full) ? Job.Default : Job.ShortRun).WithToolchain(InProcessEmitToolchain.Instance);
            var config = DefaultConfig.Instance.AddJob(job);
            var args = result.GetValue(filter) is { Length: > 0 } globs ? ["--filter", .. globs] : AllBenchmarks;
            var summaries = BenchmarkSwitcher.FromTypes([typeof(RoutingBenchmarks), typeof(TelemetryBenchmarks)]).Run(args, config);
            return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
        });
        return command;
    }
}
