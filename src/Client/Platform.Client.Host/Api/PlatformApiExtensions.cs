using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Json;
using Platform.Configuration;
using Scalar.AspNetCore;

namespace Platform.Client.Host.Api;

public static class PlatformApiExtensions
{
    /// <summary>JSON conventions, error handling, the OpenAPI document and rate limiting of the HTTP API.</summary>
    public static IHostApplicationBuilder AddPlatformApi(this IHostApplicationBuilder builder)
    {
        var rateLimit = builder.Configuration.ReadValidated<RateLimitOptions>(RateLimitOptions.SectionName);
        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });

        // Malformed bodies throw, so the exception handler can name the field instead of a bare 400.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<PlatformExceptionHandler>();
        builder.Services.AddOpenApi();
        builder.Services.AddRateLimiter(o =>
        {
            if (rateLimit.PermitsPerSecond > 0)
            {
                o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(ctx =>
                    RateLimitPartition.GetTokenBucketLimiter(ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = rateLimit.Burst,
                        TokensPerPeriod = rateLimit.PermitsPerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                    }));
            }

            o.OnRejected = (ctx, _) => Problems.WriteAsync(ctx.HttpContext, StatusCodes.Status429TooManyRequests,
                $"Over {rateLimit.PermitsPerSecond} requests per second from this client.");
        });
        return builder;
    }

    public static WebApplication UsePlatformApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRateLimiter();
        app.MapOpenApi();
        app.MapScalarApiReference("/docs", o => o.WithOpenApiRoutePattern("/openapi/{documentName}.json"));
        return app;
    }

    /// <summary>
    /// The <c>/v1</c> route group every building block maps its API into (<c>Map&lt;Block&gt;Api</c>), declaring the
    /// problem answers every route can give.
    /// </summary>
    public static RouteGroupBuilder MapPlatformApi(this IEndpointRouteBuilder app) =>
        app.MapGroup("/v1").ProducesCommonProblems();
}
