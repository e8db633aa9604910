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
        builder.Services.Configure<JsonOptions>(o => ConfigureJson(o.SerializerOptions));

        // Malformed bodies throw, so the exception handler can name the field instead of a bare 400.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<PlatformExceptionHandler>();
        builder.Services.AddOpenApi(o => o.AddSchemaTransformer((schema, context, _) =>
        {
            // Request bodies are closed (an unknown member is a 400), and the document says so; answers may gain
            // members in later versions, so their schemas stay open although the same options write them.
            if (context.ParameterDescription is null && schema.AdditionalPropertiesAllowed is false)
            {
                schema.AdditionalPropertiesAllowed = true;
            }

            return Task.CompletedTask;
        }));
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

    /// <summary>
    /// The API's JSON: web defaults (camelCase), enums as camelCase strings, nulls left out of answers; and request
    /// bodies read strictly, for every route and DTO alike: an unknown member, a duplicate member, a number sent as
    /// a string, or a string that is not valid Unicode (a lone surrogate, also inside a <see cref="JsonElement"/>) is
    /// a <see cref="JsonException"/> at its path, answered 400 naming the field.
    /// </summary>
    private static void ConfigureJson(JsonSerializerOptions options)
    {
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.Converters.Add(new StrictJsonElementConverter());
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.AllowDuplicateProperties = false;
        options.NumberHandling = JsonNumberHandling.Strict;
    }

    public static WebApplication UsePlatformApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRateLimiter();
        app.UseMiddleware<StrictRequestMiddleware>();
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
