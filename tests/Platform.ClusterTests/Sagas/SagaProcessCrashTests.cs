using System.Net;
using System.Text.Json;
using Platform.ClusterTests.Cluster;
using Platform.ClusterTests.Harness;
using Platform.Testing.Http;
using Platform.Testing.Stubs;
using Platform.Testing.Waiting;
using Xunit.Abstractions;

namespace Platform.ClusterTests.Sagas;

/// <summary>
/// Sagas under a real SIGKILL of the silo running the instance (PostgreSQL membership and reminders, Azure Table
/// state), at each boundary of a step: the deduplicating stub service (in the test process) holds the call before
/// applying it, or after applying it and before answering, and the test kills the instance's silo while it is held.
/// Nothing calls the instances until the stub shows the held one finished: the resume reminder (2 s) re-activates
/// it on a survivor. Every instance is then checked against what the stub applied, per idempotency key.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class SagaProcessCrashTests(ThreeSiloCluster cluster, ITestOutputHelper output) : IDisposable
{
    private const int Instances = 3;

    private static readonly string[] Steps = ["create", "charge", "reserve"];

    private static readonly TimeSpan Resume = TimeSpan.FromSeconds(90);

    private readonly StubService _stub = new();

    public void Dispose() => _stub.Dispose();

    /// <summary>SIGKILL while 'charge' is held before it applies (its intent is stored, the call never lands): the instance resumes on a survivor, calls it again with the same key, and completes with every step applied once.</summary>
    [Fact]
    public Task SigKill_BeforeAStepsCallLands_ResumesByReminder_AndAppliesEveryStepOnce() => cluster.RunAsync(output, async () =>
    {
        var (id, states) = await CrashAsync("pc-before", "charge", StubHoldPoint.BeforeApply, reserveFails: false, id => $"{id}:reserve");
        Assert.Equal("completed", states[id]);
        Assert.Equal(1, _stub.Applied.Count(c => c.Key == $"{id}:charge"));
    });

    /// <summary>SIGKILL after 'charge' applied, before its answer was recorded: the survivor re-sends it with the same key (absorbed) and the saga completes with charge applied once.</summary>
    [Fact]
    public Task SigKill_AfterAStepApplied_BeforeItsResultIsRecorded_ResendsWithTheSameKey_AppliedOnce() => cluster.RunAsync(output, async () =>
    {
        var (id, states) = await CrashAsync("pc-result", "charge", StubHoldPoint.AfterApply, reserveFails: false, id => $"{id}:reserve");
        Assert.Equal("completed", states[id]);
        Assert.True(_stub.Calls.Count(c => c.Key == $"{id}:charge") >= 2, "charge was not re-sent after the kill");
        Assert.Equal(1, _stub.Applied.Count(c => c.Key == $"{id}:charge"));
    });

    /// <summary>Reserve always fails; SIGKILL after the compensation of 'charge' applied, before it was recorded: it is re-sent (absorbed), create is compensated after it, each once.</summary>
    [Fact]
    public Task SigKill_DuringCompensation_EachCompensationAppliedOnce_InReverseOrder() => cluster.RunAsync(output, async () =>
    {
        var (id, states) = await CrashAsync("pc-comp", "undo-charge", StubHoldPoint.AfterApply, reserveFails: true, id => $"{id}:create:compensate");
        Assert.Equal("compensated", states[id]);
        Assert.Equal([$"{id}:create", $"{id}:charge", $"{id}:charge:compensate", $"{id}:create:compensate"],
            _stub.Applied.Where(c => c.Key!.StartsWith(id + ":", StringComparison.Ordinal)).Select(c => c.Key));
    });

    private string Keys(string id) => string.Join(", ", _stub.Calls.Where(c => c.Key?.StartsWith(id + ":", StringComparison.Ordinal) == true).Select(c => c.Key));

    private async Task<(string Held, Dictionary<string, string> States)> CrashAsync(
        string prefix, string heldPath, StubHoldPoint point, bool reserveFails, Func<string, string> finishedKey)
    {
        await cluster.EnsureHealthyAsync();
        var api = cluster.Api.With(new PlatformApiClientOptions { Retry = PlatformApiRetry.Bounded(8), RequestTimeout = TimeSpan.FromSeconds(15) });
        var saga = $"{prefix}-{Guid.NewGuid():N}"[..20];
        if (reserveFails)
        {
            _stub.Fail($"/{saga}/reserve", int.MaxValue);
        }

        var steps = Steps.Select(s => new
        {
            name = s,
            action = new { kind = "http", method = "POST", url = $"{_stub.Base}/{saga}/{s}" },
            compensation = new { kind = "http", method = "POST", url = $"{_stub.Base}/{saga}/undo-{s}" },
            retry = new { maxAttempts = 2, backoffMs = 10 },
            timeoutMs = 60_000,
        }).ToArray();
        (await api.SendJsonAsync(HttpMethod.Put, $"/v1/sagas/definitions/{saga}", new { steps })).Expect(HttpStatusCode.Created);
        var hold = _stub.Hold($"/{saga}/{heldPath}", point);
        var ids = Enumerable.Range(0, Instances).Select(i => $"{saga}-i{i}").ToArray();
        foreach (var id in ids)
        {
            (await api.SendJsonAsync(HttpMethod.Post, $"/v1/sagas/{saga}/instances", new { id, input = new { } })).ExpectSuccess();
        }

        await hold.Reached.WaitAsync(TimeSpan.FromSeconds(60));
        var held = hold.Call!.Key!.Split(':')[0];
        var silo = (await api.GetAsync($"/v1/sagas/instances/{held}")).ExpectSuccess().Json().GetProperty("silo").GetString()!;
        var victim = cluster.Silos.Single(s => ClusterView.AddressHasPort(silo, s.SiloPort));
        cluster.KillSilo(victim.Index);
        output.WriteLine($"held {hold.Call.Key} ({point}); SIGKILL silo {victim.Index} ({silo})");
        hold.Release();

        // Nobody calls the instances: only the resume reminder, on a survivor, can bring the held one to its end.
        await Eventually.Until(() => _stub.Applied.Any(c => c.Key == finishedKey(held)), $"{finishedKey(held)} applied after the kill", Resume, () => Keys(held));

        var states = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            var view = await Eventually.Until(
                async ct => (await api.GetAsync($"/v1/sagas/instances/{id}", ct)).ExpectSuccess().Json(),
                v => v.GetProperty("state").GetString() is "completed" or "compensated" or "failed-needs-attention",
                $"{id} at rest",
                new EventuallyOptions { Timeout = Resume, Describe = v => v is JsonElement e ? e.ToString() : "" });
            states[id] = view.GetProperty("state").GetString()!;
        }

        var problems = ids.SelectMany(id => SagaEffectsChecker.Check(id, Steps, states[id], _stub.Calls, _stub.Applied)).ToList();
        output.WriteLine($"states: {string.Join(", ", states.Select(s => $"{s.Key[^2..]}={s.Value}"))}; absorbed duplicates: {ids.Sum(id => SagaEffectsChecker.Absorbed(id, _stub.Effects))}; keys of {held}: {Keys(held)}");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        return (held, states);
    }
}
