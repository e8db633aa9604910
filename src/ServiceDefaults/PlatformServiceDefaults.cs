using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Platform.ServiceDefaults;

/// <summary>What every Platform host shares: telemetry, health endpoints, ProblemDetails, logging.</summary>
public static class PlatformServiceDefaults
{
    public const string ReadyTag = "ready";

    public static IHostApplicationBuilder AddPlatformServiceDefaults(this IHostApplicationBuilder builder, string serviceName)
    {
        if (builder.Configuration.GetValue("Platform:Logging:Json", false)
            || builder.Configuration.GetValue("DOTNET_RUNNING_IN_CONTAINER", false))
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(o => o.UseUtcTimestamp = true);
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("Microsoft.Orleans", PlatformTelemetry.MeterName)
                .AddPrometheusExporter());

        // Spans are recorded only when there is somewhere to send them: listening to every request and grain call
        // with no exporter cost about a fifth of the host's CPU per HTTP key read (docs/benchmarks.md).
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.WithTracing(t => t
                .AddAspNetCoreInstrumentation(o => o.Filter = ctx => !IsOperationalPath(ctx.Request.Path))
                .AddHttpClientInstrumentation()
                .AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", PlatformTelemetry.ActivitySourceName)
                .AddOtlpExporter());
        }

        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            ctx.ProblemDetails.Extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? ctx.HttpContext.TraceIdentifier;
            ctx.ProblemDetails.Instance ??= ctx.HttpContext.Request.Path;
        });
        builder.Services.AddHealthChecks()
            .AddCheck<ClusterReadyHealthCheck>("cluster", tags: [ReadyTag]);
        return builder;
    }

    /// <summary><c>/healthz</c> (alive), <c>/readyz</c> (cluster reachable), <c>/metrics</c> (Prometheus text).</summary>
    public static WebApplication MapPlatformDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).ExcludeFromDescription();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) }).ExcludeFromDescription();
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    private static bool IsOperationalPath(PathString path) =>
        path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz") || path.StartsWithSegments("/metrics");
}
