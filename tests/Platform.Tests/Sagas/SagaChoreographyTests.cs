using System.Text.Json;
using Platform.Sagas;
using Platform.Testing.Http;
using Platform.Testing.Waiting;

namespace Platform.Tests.Sagas;

/// <summary>
/// Choreography over the event log: <c>event</c> steps wait for other services' events (keyed by the saga id) across
/// topics, a failure event or a missing event (the step's timeout) fails the step, and the compensations publish
/// their events in reverse order, once each.
/// </summary>
[Collection(SagasCollection.Name)]
public sealed class SagaChoreographyTests(SagasFixture fixture)
{
    private PlatformApiClient Api => fixture.Api;

    [Fact]
    public async Task EventSteps_FollowTheSagaAcrossTopics_AndAFailureEventPublishesTheCompensationsInReverse()
    {
        var (saga, commands, payments, shipping) = await DefineAsync(timeoutMs: 30_000);

        var ok = $"{saga}-ok";
        await fixture.Sagas.StartAsync(saga, ok, "{}");
        (await Api.ProduceAsync(payments, [(ok, """{"type":"paid","paymentId":"p-1"}""")])).ExpectSuccess();
        (await Api.ProduceAsync(shipping, [(ok, """{"type":"shipped"}""")])).ExpectSuccess();
        var done = await SettledAsync(ok);
        Assert.Equal(SagaStates.Completed, done.State);
        Assert.Equal("p-1", JsonDocument.Parse(done.Outputs["pay"]).RootElement.GetProperty("paymentId").GetString());
        Assert.Equal(["order-placed"], await CommandsAsync(commands, ok));

        var lost = $"{saga}-lost";
        await fixture.Sagas.StartAsync(saga, lost, "{}");
        (await Api.ProduceAsync(payments, [(lost, """{"type":"paid","paymentId":"p-2"}""")])).ExpectSuccess();
        (await Api.ProduceAsync(shipping, [(ok, """{"type":"lost"}"""), (lost, """{"type":"lost"}""")])).ExpectSuccess();
        Assert.Equal(SagaStates.Compensated, (await SettledAsync(lost)).State);
        Assert.Equal(["order-placed", "refund", "order-cancelled"], await CommandsAsync(commands, lost));
    }

    [Fact]
    public async Task AMissingEvent_TimesTheStepOut_AndCompensatesWhatRan()
    {
        var (saga, commands, _, _) = await DefineAsync(timeoutMs: 1_500);
        var id = $"{saga}-quiet";
        await fixture.Sagas.StartAsync(saga, id, "{}");
        var view = await SettledAsync(id);
        Assert.Equal(SagaStates.Compensated, view.State);
        Assert.Contains(view.History, a => a.Step == "pay" && a.Phase == "action" && !a.Succeeded);
        Assert.Equal(["order-placed", "order-cancelled"], await CommandsAsync(commands, id));
    }

    /// <summary>
    /// <c>kind: "choreography"</c> is a promise the definition keeps: the saga only waits on events and publishes. It
    /// reads back on the definition, a re-put of another kind is a new version, and a default definition is an orchestration.
    /// </summary>
    [Fact]
    public async Task AChoreographyDefinition_ReadsBackItsKind_AndAnotherKindIsANewVersion()
    {
        var saga = $"chor-{Guid.NewGuid():N}"[..16];
        var steps = new SagaDefinitionBuilder().Step("pay", SagaOps.Event($"{saga}-pay", "{{sagaId}}", done: "paid")).Build();
        (await Api.SendJsonAsync(HttpMethod.Put, $"/v1/sagas/definitions/{saga}", new { kind = "choreography", steps = new[] { new { name = "pay", action = new { kind = "event", topic = $"{saga}-pay", key = "{{sagaId}}", done = "paid" } } } })).ExpectSuccess();
        var read = (await Api.GetAsync($"/v1/sagas/definitions/{saga}")).Json();
        Assert.Equal("choreography", read.GetProperty("kind").GetString());
        Assert.Equal(1, read.GetProperty("version").GetInt32());
        Assert.Equal(1, (await fixture.Sagas.PutDefinitionAsync(saga, steps, SagaDefinitionKinds.Choreography)).Definition.Version);

        var orchestration = await fixture.Sagas.PutDefinitionAsync(saga, steps);
        Assert.Equal((2, SagaDefinitionKinds.Orchestration), (orchestration.Definition.Version, orchestration.Definition.Kind));
    }

    [Fact]
    public void AnEventStep_WithoutItsDoneType_IsRefusedNamingTheField()
    {
        var error = Assert.Throws<Platform.Errors.PlatformValidationException>(() => new SagaDefinitionBuilder()
            .Step("pay", SagaOps.Event("payments", "{{sagaId}}", done: ""))
            .Build());
        Assert.Equal("steps[0].action.done", error.Field);
    }

    /// <summary>order (produce order-placed; compensate order-cancelled) → pay (paid | declined; compensate refund) → ship (shipped | lost).</summary>
    private async Task<(string Saga, string Commands, string Payments, string Shipping)> DefineAsync(int timeoutMs)
    {
        var saga = $"chor-{Guid.NewGuid():N}"[..16];
        var (commands, payments, shipping) = ($"{saga}-cmd", $"{saga}-pay", $"{saga}-ship");
        foreach (var topic in new[] { commands, payments, shipping })
        {
            (await Api.CreateTopicAsync(topic, partitions: 1)).ExpectSuccess();
        }

        var once = new SagaRetry { MaxAttempts = 1, BackoffMs = 0 };
        var steps = new SagaDefinitionBuilder()
            .Step("order", SagaOps.Produce(commands, """{"type":"order-placed"}""", "{{sagaId}}"),
                compensate: SagaOps.Produce(commands, """{"type":"order-cancelled"}""", "{{sagaId}}"), retry: once)
            .Step("pay", SagaOps.Event(payments, "{{sagaId}}", done: "paid", failed: "declined"),
                compensate: SagaOps.Produce(commands, """{"type":"refund","paymentId":"{{steps.pay.output.paymentId}}"}""", "{{sagaId}}"), retry: once, timeoutMs: timeoutMs)
            .Step("ship", SagaOps.Event(shipping, "{{sagaId}}", done: "shipped", failed: "lost"), retry: once, timeoutMs: timeoutMs)
            .Build();
        var put = await fixture.Sagas.PutDefinitionAsync(saga, steps, SagaDefinitionKinds.Choreography);
        Assert.Equal(SagaDefinitionKinds.Choreography, put.Definition.Kind);
        return (saga, commands, payments, shipping);
    }

    private Task<SagaInstanceView> SettledAsync(string id) =>
        Eventually.Until(ct => fixture.Sagas.GetAsync(id, ct), v => SagaStates.IsAtRest(v.State), $"{id} at rest",
            new EventuallyOptions { Describe = v => (v as SagaInstanceView)?.State ?? "" });

    /// <summary>The types of the command events keyed <paramref name="id"/>, in log order.</summary>
    private async Task<List<string>> CommandsAsync(string topic, string id)
    {
        var read = (await Api.ReadAsync(topic, 0, limit: 1000)).Ok();
        return [.. read.Items.Where(r => r.Key == id).Select(r => JsonDocument.Parse(r.Value!).RootElement.GetProperty("type").GetString()!)];
    }
}
