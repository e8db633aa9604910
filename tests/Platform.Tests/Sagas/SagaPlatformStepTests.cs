using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Platform.Sagas;
using Platform.Testing.Http;
using Platform.Testing.Stubs;
using Platform.Testing.Waiting;

namespace Platform.Tests.Sagas;

/// <summary>The platform step kinds: <c>lock</c> (fencing token passed on, released at the end or on compensation), <c>txn</c> (one transaction, compensated by another) and <c>produce</c> (an idempotent append).</summary>
[Collection(SagasCollection.Name)]
public sealed class SagaPlatformStepTests(SagasFixture fixture)
{
    private PlatformApiClient Api => fixture.Api;

    private StubService Stub => fixture.Stub;

    private async Task<string> SettledAsync(string id)
    {
        var view = await Eventually.Until(ct => fixture.Sagas.GetAsync(id, ct), v => SagaStates.IsAtRest(v.State), $"{id} at rest",
            new EventuallyOptions { Describe = v => (v as SagaInstanceView)?.State ?? "" });
        return view.State;
    }

    private async Task<string?> ValueAsync(string ns, string key)
    {
        var answer = await Api.GetKeyAsync(ns, key);
        return answer.Status == 404 ? null : answer.ExpectSuccess().Text;
    }

    /// <summary>
    /// Lock → txn (stock -1, order row holding the fencing token) → produce (an event carrying the token) → release:
    /// a clean run leaves stock 9, the order row, one event and the lock free. The same definition with a failing last
    /// step compensates in reverse: the txn's compensation transaction puts stock back and deletes the row, and the
    /// lock's compensation releases it.
    /// </summary>
    [Fact]
    public async Task LockTxnProduce_Complete_ThenCompensateInReverse()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var ns = $"shop-{tag}";
        var topic = $"orders-{tag}";
        var lockName = $"sku-{tag}";
        (await Api.CreateNamespaceAsync(ns, shards: 2, transactional: true)).ExpectSuccess();
        (await Api.CreateTopicAsync(topic, partitions: 1)).ExpectSuccess();
        (await Api.PutKeyAsync(ns, "stock", "10")).ExpectSuccess();
        var saga = $"platform-{tag}";
        object Steps(bool failLast) => new
        {
            steps = new object[]
            {
                new { name = "lk", action = new { kind = "lock", op = "acquire", name = lockName, leaseMs = 60_000 }, compensation = new { kind = "lock", op = "release", name = lockName } },
                new
                {
                    name = "reserve",
                    action = new { kind = "txn", @namespace = ns, ops = new object[] { new { op = "add", key = "stock", amount = -1 }, new { op = "put", key = "order-{{sagaId}}", value = "{{steps.lk.output.token}}" } } },
                    compensation = new { kind = "txn", @namespace = ns, ops = new object[] { new { op = "add", key = "stock", amount = 1 }, new { op = "delete", key = "order-{{sagaId}}" } } },
                },
                new { name = "event", action = new { kind = "produce", topic, key = "{{sagaId}}", value = "reserved with token {{steps.lk.output.token}}" } },
                failLast
                    ? new { name = "unlock", action = new { kind = "http", method = "POST", url = $"{Stub.Base}/{saga}/broken" }, retry = new { maxAttempts = 1 } }
                    : (object)new { name = "unlock", action = new { kind = "lock", op = "release", name = lockName } },
            },
        };
        Stub.Fail($"/{saga}/broken", int.MaxValue);
        (await Api.SendJsonAsync(HttpMethod.Put, $"/v1/sagas/definitions/{saga}", Steps(failLast: false))).Expect(HttpStatusCode.Created);
        var ok = $"{saga}-ok";
        await fixture.Sagas.StartAsync(saga, ok, "{}");
        Assert.Equal(SagaStates.Completed, await SettledAsync(ok));
        var view = await fixture.Sagas.GetAsync(ok);
        var token = SagaTemplate.Parse(view.Outputs["lk"])!["token"]!.GetValue<long>();
        Assert.Equal("9", await ValueAsync(ns, "stock"));
        Assert.Equal(token.ToString(System.Globalization.CultureInfo.InvariantCulture), await ValueAsync(ns, $"order-{ok}"));
        var events = (await Api.ReadAsync(topic, 0)).Ok().Items;
        Assert.Single(events);
        Assert.Empty((await Api.GetLockAsync(lockName)).Ok().Holders);

        (await Api.SendJsonAsync(HttpMethod.Put, $"/v1/sagas/definitions/{saga}", Steps(failLast: true))).Expect(HttpStatusCode.OK); // version 2
        var bad = $"{saga}-bad";
        await fixture.Sagas.StartAsync(saga, bad, "{}");
        Assert.Equal(SagaStates.Compensated, await SettledAsync(bad));
        Assert.Equal("9", await ValueAsync(ns, "stock"));
        Assert.Null(await ValueAsync(ns, $"order-{bad}"));
        Assert.Empty((await Api.GetLockAsync(lockName)).Ok().Holders);
        Assert.Equal(2, (await Api.ReadAsync(topic, 0)).Ok().Items.Count);
    }

    /// <summary>A txn, produce or lock step sent twice with the same idempotency key (a resume re-sends the step in doubt) applies once: stock moves once, one event, one grant.</summary>
    [Fact]
    public async Task PlatformSteps_SentTwiceWithTheSameKey_ApplyOnce()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var ns = $"twice-{tag}";
        var topic = $"twice-{tag}";
        (await Api.CreateNamespaceAsync(ns, shards: 2, transactional: true)).ExpectSuccess();
        (await Api.CreateTopicAsync(topic, partitions: 1)).ExpectSuccess();
        var runner = fixture.Cluster.Silos[0].Services.GetRequiredService<ISagaStepRunner>();
        var txn = new SagaOperation { Kind = "txn", Namespace = ns, Ops = [new SagaTxnOp { Op = "add", Key = "stock", Amount = 5 }] };
        var produce = new SagaOperation { Kind = "produce", Topic = topic, Key = "k", Value = "v" };
        var acquire = new SagaOperation { Kind = "lock", Op = "acquire", Name = $"twice-{tag}", LeaseMs = 60_000 };
        var results = new List<SagaStepResult>();
        foreach (var (operation, key) in new[] { (txn, $"s{tag}:txn"), (produce, $"s{tag}:event"), (acquire, $"s{tag}:lk") })
        {
            results.Add(await runner.RunAsync(operation, key, CancellationToken.None));
            results.Add(await runner.RunAsync(operation, key, CancellationToken.None));
        }

        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
        Assert.Equal("5", await ValueAsync(ns, "stock"));
        Assert.Single((await Api.ReadAsync(topic, 0)).Ok().Items);
        Assert.Equal(results[4].Output, results[5].Output); // the same grant (token) both times
        Assert.Equal(Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(results[2].Output.Replace("\"duplicate\":false", "\"duplicate\":true", StringComparison.Ordinal))), results[3].Output);
    }

    /// <summary>The fluent builder makes the same steps the JSON route takes (they run to completion), and refuses a bad definition naming the field.</summary>
    [Fact]
    public async Task FluentBuilder_DefinesRunnableSteps_AndRefusesBadOnesNamingTheField()
    {
        var saga = $"fluent-{Guid.NewGuid():N}"[..20];
        var topic = $"fluent-{Guid.NewGuid():N}"[..20];
        (await Api.CreateTopicAsync(topic, partitions: 1)).ExpectSuccess();
        var steps = new SagaDefinitionBuilder()
            .Step("lk", SagaOps.Acquire($"{saga}-lock", leaseMs: 60_000), compensate: SagaOps.Release($"{saga}-lock"))
            .Step("call", SagaOps.Http("POST", $"{Stub.Base}/{saga}/call", """{"token":"{{steps.lk.output.token}}"}"""), retry: new SagaRetry { MaxAttempts = 2, BackoffMs = 1 })
            .Step("event", SagaOps.Produce(topic, "done {{sagaId}}"))
            .Step("unlock", SagaOps.Release($"{saga}-lock"))
            .Build();
        await fixture.Sagas.PutDefinitionAsync(saga, steps);
        await fixture.Sagas.StartAsync(saga, $"{saga}-i", "{}");
        Assert.Equal(SagaStates.Completed, await SettledAsync($"{saga}-i"));
        Assert.Contains(Stub.Calls, c => c.Path == $"/{saga}/call" && c.Body.StartsWith("{\"token\":\"", StringComparison.Ordinal));

        var error = Assert.Throws<Platform.Errors.PlatformValidationException>(() => new SagaDefinitionBuilder()
            .Step("a", SagaOps.Http("POST", $"{Stub.Base}/x"))
            .Step("b", SagaOps.Http("POST", $"{Stub.Base}/{{{{steps.later.output.id}}}}"))
            .Build());
        Assert.Equal("steps[1].action.url", error.Field);
    }
}
