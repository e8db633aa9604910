using Microsoft.Extensions.DependencyInjection;
using Platform.Sagas;
using Platform.Testing.Stubs;
using Platform.Testing.Waiting;
using Xunit.Abstractions;

namespace Platform.Tests.Sagas;

/// <summary>
/// Crashes at each boundary of a step, in-process: <see cref="SagaCrashPoint"/> kills a secondary silo's saga storage
/// at the chosen write (so nothing after it is stored) and the test kills that silo. Six instances of a
/// create → charge → reserve saga run at once; the first to reach the boundary on a secondary crashes there (others on
/// that silo are cut off wherever they were). Nothing calls the instances afterwards until the stub shows the crashed
/// one finished: the resume reminder (1 s, a reminder table that outlives silos) re-activates them on the survivors.
/// Every instance is then checked by <see cref="SagaEffectsChecker"/> against what the deduplicating stub applied.
/// </summary>
[Collection(SagaCrashCollection.Name)]
public sealed class SagaCrashTests(SagaCrashFixture fixture, ITestOutputHelper output)
{
    private const int Instances = 6;

    private static readonly string[] Steps = ["create", "charge", "reserve"];

    private static readonly TimeSpan Resume = TimeSpan.FromSeconds(60);

    private StubService Stub => fixture.Stub;

    /// <summary>Crash after the intent of 'charge' is stored, before its call: the resumed instance calls it (once, same key) and completes with every step applied once.</summary>
    [Fact]
    public async Task Crash_AfterAStepsIntent_BeforeItsCall_ResumesAndAppliesEveryStepOnce()
    {
        var (id, outcomes) = await CrashAndResumeAsync("before-call", reserveFails: false, p => SagaCrashBoundary.BeforeCall(p, "charge"), id => $"{id}:reserve");
        Assert.Equal(SagaStates.Completed, outcomes[id]);
    }

    /// <summary>Crash after the call of 'charge' answered, before its result is stored: the resumed instance re-sends it with the same key, the stub absorbs it, and the saga completes with charge applied once.</summary>
    [Fact]
    public async Task Crash_AfterAStepsCall_BeforeItsResult_ResendsWithTheSameKey_AppliedOnce()
    {
        var (id, outcomes) = await CrashAndResumeAsync("before-result", reserveFails: false, p => SagaCrashBoundary.BeforeResult(p, "charge"), id => $"{id}:reserve");
        Assert.Equal(SagaStates.Completed, outcomes[id]);
        Assert.True(Stub.Calls.Count(c => c.Key == $"{id}:charge") >= 2, $"charge of {id} was not re-sent: {Keys(id)}");
        Assert.Equal(1, Stub.Applied.Count(c => c.Key == $"{id}:charge"));
    }

    /// <summary>Reserve always fails; crash after the compensation of 'charge' answered, before its result is stored: it is re-sent with the same key, applied once, and create is compensated after it.</summary>
    [Fact]
    public async Task Crash_DuringCompensation_ResendsTheCompensation_EachCompensatedOnceInReverse()
    {
        var (id, outcomes) = await CrashAndResumeAsync("compensation", reserveFails: true, p => SagaCrashBoundary.DuringCompensation(p, "charge"), id => $"{id}:create:compensate");
        Assert.Equal(SagaStates.Compensated, outcomes[id]);
        Assert.True(Stub.Calls.Count(c => c.Key == $"{id}:charge:compensate") >= 2, $"the compensation of charge of {id} was not re-sent: {Keys(id)}");
        Assert.Equal([$"{id}:create", $"{id}:charge", $"{id}:charge:compensate", $"{id}:create:compensate"], Stub.Applied.Where(c => c.Key!.StartsWith(id + ":", StringComparison.Ordinal)).Select(c => c.Key));
    }

    /// <summary>Reserve always fails; crash after its intent is stored, before its call: its outcome is unknown to the resumed instance, so when it then fails it is compensated too (undo-reserve, undo-charge, undo-create).</summary>
    [Fact]
    public async Task Crash_BeforeACallThatThenFails_CompensatesTheStepInDoubtToo()
    {
        var (id, outcomes) = await CrashAndResumeAsync("in-doubt", reserveFails: true, p => SagaCrashBoundary.BeforeCall(p, "reserve"), id => $"{id}:create:compensate");
        Assert.Equal(SagaStates.Compensated, outcomes[id]);
        Assert.Equal([$"{id}:reserve:compensate", $"{id}:charge:compensate", $"{id}:create:compensate"],
            Stub.Applied.Where(c => c.Key!.StartsWith(id + ":", StringComparison.Ordinal) && c.Key.EndsWith(":compensate", StringComparison.Ordinal)).Select(c => c.Key));
    }

    private string Keys(string id) => string.Join(", ", Stub.Calls.Where(c => c.Key?.StartsWith(id + ":", StringComparison.Ordinal) == true).Select(c => c.Key));

    private async Task<(string Crashed, Dictionary<string, string> Outcomes)> CrashAndResumeAsync(
        string prefix, bool reserveFails, Func<string, SagaCrashBoundary> boundary, Func<string, string> finishedKey)
    {
        await fixture.EnsureAllRunningAsync();
        var cluster = fixture.Cluster;
        var saga = $"{prefix}-{Guid.NewGuid():N}"[..24];
        if (reserveFails)
        {
            Stub.Fail($"/{saga}/reserve", int.MaxValue);
        }

        await fixture.Sagas.PutDefinitionAsync(saga, [.. Steps.Select(s => new SagaStep
        {
            Name = s,
            Action = new SagaOperation { Kind = "http", Method = "POST", Url = $"{Stub.Base}/{saga}/{s}" },
            Compensation = new SagaOperation { Kind = "http", Method = "POST", Url = $"{Stub.Base}/{saga}/undo-{s}" },
            Retry = new SagaRetry { MaxAttempts = 2, BackoffMs = 1 },
            TimeoutMs = 5_000,
        })]);
        var point = fixture.Point;
        var crash = boundary($"{saga}-i");
        point.Arm(crash, cluster.Secondaries.Select(s => s.SiloAddress));
        var ids = Enumerable.Range(0, Instances).Select(i => $"{saga}-i{i}").ToArray();
        // Started from the secondaries themselves: placement prefers the calling silo, and the primary (which holds
        // the development membership table) cannot be killed.
        var definition = await fixture.Sagas.GetDefinitionAsync(saga);
        var secondaries = cluster.Secondaries;
        var starts = ids.Select((id, i) => secondaries[i % secondaries.Count].Services.GetRequiredService<IGrainFactory>()
            .GetGrain<ISagaInstanceGrain>(id).Start(definition, "{}")).ToArray();

        var (silo, crashed) = await point.Reached.WaitAsync(TimeSpan.FromSeconds(60))
            .ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : throw new TimeoutException(
                $"no instance reached '{crash}' on a secondary; instances ran on: {string.Join(", ", ids.Select(id => fixture.Sagas.GetAsync(id).Result.Silo))}"), TaskScheduler.Default);
        var victim = cluster.Silos.Single(s => s.IsRunning && s.SiloAddress.Equals(silo));
        output.WriteLine($"crashed {crashed} {crash} on {victim}");
        await cluster.KillSiloAsync(victim.Index);
        point.Release();

        // A start still in flight on the crashed silo gets no answer: the client retries it with the same id (which
        // answers the instance if its first write was stored).
        for (var i = 0; i < ids.Length; i++)
        {
            if (!starts[i].IsCompletedSuccessfully)
            {
                _ = starts[i].ContinueWith(static t => t.Exception, TaskScheduler.Default);
                await fixture.Sagas.StartAsync(saga, ids[i], "{}");
            }
        }

        // Nobody calls the instances: only the resume reminder can bring the crashed one to its end.
        await Eventually.Until(() => Stub.Applied.Any(c => c.Key == finishedKey(crashed)), $"{finishedKey(crashed)} applied after the resume", Resume, () => Keys(crashed));

        var outcomes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            var view = await Eventually.Until(
                ct => fixture.Sagas.GetAsync(id, ct),
                v => SagaStates.IsAtRest(v.State),
                $"{id} at rest",
                new EventuallyOptions { Timeout = Resume, Describe = v => (v as SagaInstanceView)?.State ?? "" });
            outcomes[id] = view.State;
        }

        var problems = ids.SelectMany(id => SagaEffectsChecker.Check(id, Steps, outcomes[id], Stub.Calls, Stub.Applied)).ToList();
        output.WriteLine($"outcomes: {string.Join(", ", outcomes.Select(o => $"{o.Key[^2..]}={o.Value}"))}; absorbed duplicates: {ids.Sum(id => SagaEffectsChecker.Absorbed(id, Stub.Effects))}");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        return (crashed, outcomes);
    }
}
