using System.Net;
using System.Text.Json;
using Platform.Errors;
using Platform.Sagas;
using Platform.Testing.Http;
using Platform.Testing.Stubs;
using Platform.Testing.Waiting;

namespace Platform.Tests.Sagas;

/// <summary>Sagas end to end on one silo against a stub HTTP service: compensation order, parking and retry, idempotent start, templates, kv steps, bad definitions.</summary>
[Collection(SagasCollection.Name)]
public sealed class SagaTests(SagasFixture fixture)
{
    private static int _next;

    private static string Name(string prefix) => $"{prefix}-{Interlocked.Increment(ref _next)}-{Guid.NewGuid():N}";

    private PlatformApiClient Api => fixture.Api;

    private StubService Stub => fixture.Stub;

    private object Step(string saga, string name, int attempts = 2, string? body = null) => new
    {
        name,
        action = new { kind = "http", method = "POST", url = $"{Stub.Base}/{saga}/{name}", body },
        compensation = new { kind = "http", method = "POST", url = $"{Stub.Base}/{saga}/undo-{name}" },
        retry = new { maxAttempts = attempts, backoffMs = 1 },
        timeoutMs = 5000,
    };

    private async Task<JsonElement> Settled(string id)
    {
        JsonElement last = default;
        await Eventually.Until(
            async ct =>
            {
                last = (await Api.GetAsync($"/v1/sagas/instances/{id}", ct)).ExpectSuccess().Json();
                return SagaStates.IsAtRest(last.GetProperty("state").GetString()!);
            },
            $"saga {id} at rest",
            state: () => last.ValueKind == JsonValueKind.Undefined ? "" : last.ToString());
        return last;
    }

    private string[] Paths(string saga) => [.. Stub.Calls.Where(c => c.Path.StartsWith($"/{saga}/", StringComparison.Ordinal)).Select(c => c.Path[(saga.Length + 2)..])];

    /// <summary>The third step keeps failing: the first two are compensated in reverse order, once each, and every call of a step carries the same key.</summary>
    [Fact]
    public async Task ThirdStepFails_CompensatesFirstTwoInReverseOrder_OnceEach()
    {
        var saga = Name("order");
        Stub.Fail($"/{saga}/reserve", int.MaxValue);
        (await Api.SendJsonAsync(HttpMethod.Put, $"/v1/sagas/definitions/{saga}", new { steps = new[] { Step(saga, "create"), Step(saga, "charge"), Step(saga, "reserve") } }))
            .Expect(HttpStatusCode.Created);
        var id = Name("i");
        (await Api.SendJsonAsync(HttpMethod.Post, $"/v1/sagas/{saga}/instances", new { id, input = new { orderId = 7 } })).Expect(HttpStatusCode.Created);

        var done = await Settled(id);
        Assert.Equal(SagaStates.Compensated, done.GetProperty("state").GetString());
        Assert.Equal(["create", "charge", "reserve", "reserve", "undo-charge", "undo-create"], Paths(saga));
        var reserveKeys = Stub.Calls.Where(c => c.Path == $"/{saga}/reserve").Select(c => c.Key).Distinct().ToList();
        Assert.Equal([$"{id}:reserve"], reserveKeys);
        Assert.Equal(1, Stub.Effects[$"{id}:charge:compensate"]);
        Assert.Equal(1, Stub.Effects[$"{id}:create:compensate"]);
        Assert.Equal(6, done.GetProperty("history").GetArrayLength());
    }

    /// <summary>A compensation that fails three times parks the instance as needs-attention; retry then finishes it, and nothing ran twice.</summary>
    [Fact]
    public async Task CompensationFailingThreeTimes_Parks_AndRetryFinishesIt()
    {
        var saga = Name("park");
        Stub.Fail($"/{saga}/pay", int.MaxValue);
        Stub.Fail($"/{saga}/undo-book", 3);
        await fixture.Sagas.PutDefinitionAsync(saga,
        [
            new SagaStep
            {
                Name = "book",
                Action = new SagaOperation { Kind = "http", Method = "POST", Url = $"{Stub.Base}/{saga}/book" },
                Compensation = new SagaOperation { Kind = "http", Method = "POST", Url = $"{Stub.Base}/{saga}/undo-book" },
                Retry = new SagaRetry { MaxAttempts = 3, BackoffMs = 1 },
            },
            new SagaStep
            {
                Name = "pay",
                Action = new SagaOperation { Kind = "http", Method = "POST", Url = $"{Stub.Base}/{saga}/pay" },
                Retry = new SagaRetry { MaxAttempts = 1 },
            },
        ]);
        var id = Name("i");
        await fixture.Sagas.StartAsync(saga, id, "{}");

        var parked = await Settled(id);
        Assert.Equal(SagaStates.NeedsAttention, parked.GetProperty("state").GetString());
        Assert.Equal("book", parked.GetProperty("currentStep").GetString());
        Assert.Equal(["book", "pay", "undo-book", "undo-book", "undo-book"], Paths(saga));

        (await Api.SendJsonAsync(HttpMethod.Post, $"/v1/sagas/instances/{id}/retry", new { })).ExpectSuccess();
        var done = await Settled(id);
        Assert.Equal(SagaStates.Compensated, done.GetProperty("state").GetString());
        Assert.Equal(1, Stub.Effects[$"{id}:book:compensate"]);
        Assert.Equal(1, Stub.Effects[$"{id}:book"]);
        (await Api.SendJsonAsync(HttpMethod.Post, $"/v1/sagas/instances/{id}/retry", new { })).Expect(HttpStatusCode.Conflict);
    }

    /// <summary>The same id started 50 times at once makes one instance: its first step is called once.</summary>
    [Fact]
    public async Task StartSameId_FiftyTimesConcurrently_MakesOneInstance()
    {
        var saga = Name("once");
        (await Api.SendJsonAsync(HttpMethod.Put, $"/v1/sagas/definitions/{saga}", new { steps = new[] { Step(saga, "create") } })).Expect(HttpStatusCode.Created);
        var id = Name("i");
        var starts = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Api.SendJsonAsync(HttpMethod.Post, $"/v1/sagas/{saga}/instances", new { id, input = new { n = 1 } })));
        Assert.All(starts, s => Assert.True(s.Status is 200 or 201, s.Text));
        Assert.Equal(1, starts.Count(s => s.Status == 201));
        Assert.Equal(SagaStates.Completed, (await Settled(id)).GetProperty("state").GetString());
        Assert.Equal(["create"], Paths(saga));
        (await Api.SendJsonAsync(HttpMethod.Post, $"/v1/sagas/{saga}/instances", new { id, input = new { n = 2 } })).Expect(HttpStatusCode.Conflict);
    }

    /// <summary>Templates read the input and earlier outputs; a kv step writes and its compensation deletes; a definition keeps versions.</summary>
    [Fact]
    public async Task Templates_AndKvSteps_RunWithInputsAndEarlierOutputs()
    {
        var saga = Name("tpl");
        const string ns = "default";
        var store = fixture.Service<Platform.KeyValue.IKeyValueStore>();
        object[] steps =
        [
            Step(saga, "charge", body: """{"order":"{{input.orderId}}"}"""),
            new
            {
                name = "record",
                action = new { kind = "kv", op = "put", @namespace = ns, key = "order-{{sagaId}}", value = "{{steps.charge.output.id}}" },
                compensation = new { kind = "kv", op = "delete", @namespace = ns, key = "order-{{sagaId}}" },
            },
            new { name = "confirm", action = new { kind = "http", method = "POST", url = $"{Stub.Base}/{saga}/confirm/{{{{steps.charge.output.id}}}}" } },
        ];
        (await Api.SendJsonAsync(HttpMethod.Put, $"/v1/sagas/definitions/{saga}", new { steps })).Expect(HttpStatusCode.Created);
        (await Api.SendJsonAsync(HttpMethod.Put, $"/v1/sagas/definitions/{saga}", new { steps })).Expect(HttpStatusCode.OK);
        var id = Name("i");
        (await Api.SendJsonAsync(HttpMethod.Post, $"/v1/sagas/{saga}/instances", new { id, input = new { orderId = "o 9" } })).Expect(HttpStatusCode.Created);
        var done = await Settled(id);
        Assert.True(done.GetProperty("state").GetString() == SagaStates.Completed, done.ToString());
        Assert.Contains(Stub.Calls, c => c.Path == $"/{saga}/charge" && c.Body == "{\"order\":\"o 9\"}");
        Assert.Contains($"confirm/{saga}%2Fcharge-1", Paths(saga)); // a value inserted into a URL is escaped
        var entry = await store.GetAsync(ns, $"order-{id}");
        Assert.Equal($"{saga}/charge-1", System.Text.Encoding.UTF8.GetString(entry!.Value));

        Stub.Fail($"/{saga}/confirm/{saga}%2Fcharge-1", int.MaxValue);
        var id2 = Name("i");
        await fixture.Sagas.StartAsync(saga, id2, "{\"orderId\":\"o 10\"}");
        Assert.Equal(SagaStates.Compensated, (await Settled(id2)).GetProperty("state").GetString());
        Assert.Null(await store.GetAsync(ns, $"order-{id2}"));
    }

    /// <summary>Bad definitions answer 400 naming the field, and store nothing.</summary>
    [Fact]
    public async Task BadDefinitions_Answer400NamingTheField()
    {
        var saga = Name("bad");
        var ok = Step(saga, "a");
        (object Body, string Field)[] cases =
        [
            (new { steps = Array.Empty<object>() }, "steps"),
            (new { steps = new[] { new { name = "a", action = new { kind = "teleport" } } } }, "steps[0].action.kind"),
            (new { steps = new[] { ok, ok } }, "steps[1].name"),
            (new { steps = Enumerable.Range(0, 65).Select(i => Step(saga, $"s{i}")).ToArray() }, "steps"),
            (new { steps = new[] { new { name = "a", action = new { kind = "http", method = "POST", url = $"{Stub.Base}/{{{{steps.later.output.id}}}}" } } } }, "steps[0].action.url"),
            (new { steps = new[] { new { name = "a", action = new { kind = "http", method = "POST", url = $"{Stub.Base}/{{{{secret.x}}}}" } } } }, "steps[0].action.url"),
            (new { steps = new[] { new { name = "a", action = new { kind = "http", method = "POST", url = $"{Stub.Base}/x" }, retry = new { maxAttempts = 0 } } } }, "steps[0].retry.maxAttempts"),
            (new { steps = new[] { new { name = "a", action = new { kind = "http", method = "POST", url = $"{Stub.Base}/x" }, retry = new { backoffMs = -1 } } } }, "steps[0].retry.backoffMs"),
            (new { steps = new[] { new { name = "a", action = new { kind = "http", method = "POST", url = $"{Stub.Base}/x" }, timeoutMs = 0 } } }, "steps[0].timeoutMs"),
            (new { steps = new[] { new { name = "a", action = new { kind = "kv", op = "put", @namespace = "n", key = "k" } } } }, "steps[0].action.value"),
            (new { steps = new[] { new { name = "a", action = new { kind = "txn", @namespace = "n", ops = Array.Empty<object>() } } } }, "steps[0].action.ops"),
            (new { steps = new[] { new { name = "a", action = new { kind = "txn", @namespace = "n", ops = new[] { new { op = "swap", key = "k" } } } } } }, "steps[0].action.ops[0].op"),
            (new { steps = new[] { new { name = "a", action = new { kind = "lock", op = "grab", name = "l" } } } }, "steps[0].action.op"),
            (new { steps = new[] { new { name = "a", action = new { kind = "produce", topic = "t" } } } }, "steps[0].action.value"),
            (new { kind = "federation", steps = new[] { ok } }, "kind"),
            (new { kind = "choreography", steps = new[] { ok } }, "steps[0].action.kind"),
            (new { kind = "choreography", steps = new object[] { new { name = "a", action = new { kind = "event", topic = "t", key = "{{sagaId}}", done = "paid" }, compensation = new { kind = "http", method = "POST", url = $"{Stub.Base}/x" } } } }, "steps[0].compensation.kind"),
            (new { kind = "choreography", steps = new[] { new { name = "a", action = new { kind = "produce", topic = "t", value = "v" } } } }, "steps"),
        ];
        foreach (var (body, field) in cases)
        {
            var answer = await Api.SendJsonAsync(HttpMethod.Put, $"/v1/sagas/definitions/{saga}", body);
            answer.Expect(HttpStatusCode.BadRequest);
            Assert.True(answer.Text.Contains(field, StringComparison.Ordinal), $"{field}: {answer.Text}");
        }

        (await Api.GetAsync($"/v1/sagas/definitions/{saga}")).Expect(HttpStatusCode.NotFound);
        await Assert.ThrowsAsync<PlatformNotFoundException>(() => fixture.Sagas.StartAsync(saga, Name("i"), "{}"));
    }

    /// <summary>A definition with <c>expect</c> and <c>txn</c> ops put twice unchanged stays one version; a changed one is the next.</summary>
    [Fact]
    public async Task RePutOfAnIdenticalDefinition_WithListFields_KeepsItsVersion()
    {
        var saga = Name("reput");
        object Body(int status) => new
        {
            steps = new object[]
            {
                new { name = "a", action = new { kind = "http", method = "POST", url = $"{Stub.Base}/{saga}/a", expect = new[] { 200, status } } },
                new { name = "b", action = new { kind = "txn", @namespace = "n", ops = new[] { new { op = "put", key = "k", value = "v" } } } },
            },
        };
        var first = (await Api.SendJsonAsync(HttpMethod.Put, $"/v1/sagas/definitions/{saga}", Body(201))).Expect(HttpStatusCode.Created).Json();
        var again = (await Api.SendJsonAsync(HttpMethod.Put, $"/v1/sagas/definitions/{saga}", Body(201))).Expect(HttpStatusCode.OK).Json();
        Assert.Equal(first.GetProperty("version").GetInt32(), again.GetProperty("version").GetInt32());
        var changed = (await Api.SendJsonAsync(HttpMethod.Put, $"/v1/sagas/definitions/{saga}", Body(202))).ExpectSuccess().Json();
        Assert.Equal(first.GetProperty("version").GetInt32() + 1, changed.GetProperty("version").GetInt32());
    }
}
