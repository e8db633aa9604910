using Platform.Client;
using Shop.Catalog;
using Shop.Inventory;
using Shop.Orders;
using Shop.Payments;

namespace Shop;

/// <summary>The shop's entry point; <see cref="Build"/> is what tests start, against their own cluster.</summary>
public sealed class ShopProgram
{
    private ShopProgram()
    {
    }

    public static async Task Main(string[] args)
    {
        await using var app = Build(args);
        await app.RunAsync();
    }

    /// <summary>
    /// The shop on the embedded platform by default (its gateway on 127.0.0.1:30000, from <c>Platform:Client</c>),
    /// listening on <c>Shop:BaseUrl</c>.
    /// </summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var options = builder.Configuration.GetSection(ShopOptions.SectionName).Get<ShopOptions>() ?? new ShopOptions();
        builder.WebHost.UseUrls(options.BaseUrl);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning); // not a line per request
        builder.Services.AddOptions<ShopOptions>().BindConfiguration(ShopOptions.SectionName)
            .Validate(o => Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out _), "Shop:BaseUrl must be an absolute URL")
            .Validate(o => o.MaxChargeAmount > 0, "Shop:MaxChargeAmount must be positive")
            .ValidateOnStart();
        builder.AddPlatformClusterClient();
        builder.Services.AddPlatformClient(builder.Configuration);
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<ShopEffects>();
        builder.Services.AddHostedService<ShopSetup>();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.MapCatalog();
        app.MapOrders();
        app.MapPayments();
        app.MapInventory();
        return app;
    }
}
