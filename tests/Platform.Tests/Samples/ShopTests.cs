using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.EventLog;
using Platform.KeyValue;
using Platform.Sagas;
using Platform.Testing.Waiting;
using Shop;
using Shop.Catalog;
using Shop.Orders;

namespace Platform.Tests.Samples;

/// <summary>
/// The reference shop end to end: an order runs its saga (create → charge → reserve → confirm) with each service's
/// effect applied once per idempotency key, the same order twice is one order, a failing step compensates the
/// earlier ones in reverse, and the catalog cache never serves an item older than its last PUT.
/// </summary>
public sealed class ShopTests(ShopFixture fixture) : IClassFixture<ShopFixture>
{
    private HttpClient Http => fixture.Http;

    private ShopOptions Shop => fixture.ShopServices.GetRequiredService<IOptions<ShopOptions>>().Value;

    [Fact]
    public async Task AnOrder_Completes_WithEachEffectOnce_AndTheSameOrderTwiceIsOneOrder()
    {
        var sku = await CatalogAsync(price: 10, stock: 5);
        var key = $"k-{Guid.NewGuid():N}";
        var first = await PlaceAsync(key, sku, qty: 2);
        var again = await PlaceAsync(key, sku, qty: 2);
        Assert.Equal(first.OrderId, again.OrderId);

        var done = await SettledAsync(first.OrderId);
        Assert.Equal((SagaStates.Completed, "confirmed"), (done.SagaState, done.OrderState));
        Assert.Equal(3, (await Http.GetFromJsonAsync<CatalogItem>($"/catalog/{sku}"))!.Stock);
        Assert.Equal("20", await ValueAsync($"payment:{first.OrderId}"));
        foreach (var step in new[] { "create", "charge", "reserve", "confirm" })
        {
            Assert.Equal(1, await EffectsAsync($"{first.OrderId}:{step}"));
        }

        foreach (var compensation in new[] { "cancel", "refund", "release" })
        {
            Assert.Equal(0, await EffectsAsync($"{first.OrderId}:{compensation}"));
        }

        var events = await EventsAsync(first.OrderId);
        Assert.Equal(["created", "confirmed"], events);
    }

    [Fact]
    public async Task OutOfStockAtTheThirdStep_RefundsTheChargeAndCancelsTheOrder_InReverse()
    {
        var sku = await CatalogAsync(price: 10, stock: 1);
        var order = await PlaceAsync($"k-{Guid.NewGuid():N}", sku, qty: 2);

        var done = await SettledAsync(order.OrderId);
        Assert.Equal((SagaStates.Compensated, "cancelled"), (done.SagaState, done.OrderState));
        Assert.Equal(1, (await Http.GetFromJsonAsync<CatalogItem>($"/catalog/{sku}"))!.Stock);
        Assert.Null(await ValueAsync($"payment:{order.OrderId}"));
        Assert.Equal("refunded", await ValueAsync($"refund:{order.OrderId}"));
        Assert.Equal(1, await EffectsAsync($"{order.OrderId}:charge"));
        Assert.Equal(0, await EffectsAsync($"{order.OrderId}:reserve"));
        Assert.Equal(1, await EffectsAsync($"{order.OrderId}:charge:compensate"));
        Assert.Equal(1, await EffectsAsync($"{order.OrderId}:create:compensate"));

        // Reverse order: the refund (charge's compensation) ran before the cancel (create's).
        var view = await fixture.ShopServices.GetRequiredService<ISagas>().GetAsync(order.OrderId);
        var compensations = view.History.Where(a => a.Phase == "compensation" && a.Succeeded).Select(a => a.Step).ToList();
        Assert.Equal(["charge", "create"], compensations);
        Assert.Equal(["created", "cancelled"], await EventsAsync(order.OrderId));
    }

    [Fact]
    public async Task ADeclinedCharge_CancelsTheOrder_AndTouchesNoStock()
    {
        var sku = await CatalogAsync(price: Shop.MaxChargeAmount + 1, stock: 5);
        var order = await PlaceAsync($"k-{Guid.NewGuid():N}", sku, qty: 1);

        var done = await SettledAsync(order.OrderId);
        Assert.Equal((SagaStates.Compensated, "cancelled"), (done.SagaState, done.OrderState));
        Assert.Equal(5, (await Http.GetFromJsonAsync<CatalogItem>($"/catalog/{sku}"))!.Stock);
        Assert.Equal(0, await EffectsAsync($"{order.OrderId}:charge"));
    }

    [Fact]
    public async Task TheCatalog_IsReadThroughItsCache_AndAPutIsSeenAtOnce()
    {
        var sku = await CatalogAsync(price: 7, stock: 1);
        Assert.Equal(7, (await Http.GetFromJsonAsync<CatalogItem>($"/catalog/{sku}"))!.Price);
        (await Http.PutAsJsonAsync($"/catalog/{sku}", new CatalogItem("renamed", 9, 4))).EnsureSuccessStatusCode();
        var item = (await Http.GetFromJsonAsync<CatalogItem>($"/catalog/{sku}"))!;
        Assert.Equal(("renamed", 9L, 4L), (item.Name, item.Price, item.Stock));
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync(new Uri("/catalog/none-such", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task AnOrderWithoutAnIdempotencyKey_Is400_AndStartsNothing()
    {
        var sku = await CatalogAsync(price: 1, stock: 1);
        using var response = await Http.PostAsJsonAsync("/orders", new OrderRequest(sku, 1));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<string> CatalogAsync(long price, long stock)
    {
        var sku = $"sku-{Guid.NewGuid():N}"[..16];
        (await Http.PutAsJsonAsync($"/catalog/{sku}", new CatalogItem($"item {sku}", price, stock))).EnsureSuccessStatusCode();
        return sku;
    }

    private async Task<OrderView> PlaceAsync(string key, string sku, long qty)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/orders", UriKind.Relative)) { Content = JsonContent.Create(new OrderRequest(sku, qty)) };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<OrderView>())!;
    }

    private Task<OrderView> SettledAsync(string orderId) => Eventually.Until(
        async ct => (await Http.GetFromJsonAsync<OrderView>($"/orders/{orderId}", ct))!,
        view => view.SagaState is SagaStates.Completed or SagaStates.Compensated or SagaStates.NeedsAttention,
        $"order {orderId} settled");

    private async Task<string?> ValueAsync(string key)
    {
        var entry = await fixture.ShopServices.GetRequiredService<IKeyValueStore>().GetAsync(Shop.Namespace, key);
        return entry is null ? null : Encoding.UTF8.GetString(entry.Value);
    }

    private Task<long> EffectsAsync(string idempotencyKey) => fixture.ShopServices.GetRequiredService<ShopEffects>().CountAsync(idempotencyKey, CancellationToken.None);

    /// <summary>The order's events on the topic, in order (one key: one partition).</summary>
    private async Task<List<string>> EventsAsync(string orderId)
    {
        var log = fixture.ShopServices.GetRequiredService<IEventLog>();
        var events = new List<string>();
        var topic = await log.GetTopicAsync(Shop.Topic);
        for (var p = 0; p < topic!.Spec.Partitions; p++)
        {
            var read = await log.ReadAsync(Shop.Topic, p, ReadStart.Earliest, limit: 1000);
            events.AddRange(read.Records.Where(r => r.Key == orderId)
                .Select(r => System.Text.Json.JsonDocument.Parse(r.Value!).RootElement.GetProperty("event").GetString()!));
        }

        return events;
    }
}
