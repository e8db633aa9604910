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

    /// <summary>JSON console logs with scopes when true (on by default in containers: <c>DOTNET_RUNNING_IN_CONTAINER</c>).</summary>
    public const string JsonLogsKey = "Platform:Logging:Json";

    /// <summary>Records traces without OTLP when true (the OTLP exporter is added when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set).</summary>
    public const string TracesKey = "Platform:Telemetry:Traces";

    /// <summary>
    /// The activity sources traced: Orleans grain calls (propagated across silos and clients), Platform's own, the
    /// Orleans storage calls (grain state), the Azure SDK (Table storage calls) and Npgsql (membership, reminders, PostgreSQL storage).
    /// </summary>
    public static readonly string[] TraceSources =
        ["Microsoft.Orleans.*", PlatformTelemetry.ActivitySourceName, "Azure.*", "Npgsql"];

    /// <summary>Log categories kept at Warning and above by default (configuration can still lower them).</summary>
    public static readonly string[] QuietCategories = ["Polly", "Microsoft.Extensions.Http.Resilience"];

    public static IHostApplicationBuilder AddPlatformServiceDefaults(this IHostApplicationBuilder builder, string serviceName)
    {
        // Every log line carries the trace and span id of the request or grain call it was written in (as scopes),
        // and the scopes the grain-call filter opens (block, namespace, lock, topic, saga definition).
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        if (builder.Configuration.GetValue(JsonLogsKey, false)
            || builder.Configuration.GetValue("DOTNET_RUNNING_IN_CONTAINER", false))
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.IncludeScopes = true;
            });
        }

        // Quiet defaults: every grain placement and HTTP call ran a resilience pipeline that logged two Information
        // lines ("Execution attempt", "Resilience pipeline executed"); only its warnings and errors are kept.
        foreach (var category in QuietCategories)
        {
            builder.Logging.AddFilter(category, LogLevel.Warning);
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
        // Platform:Telemetry:Traces=true records them without OTLP (for an exporter the host adds, as the tests do).
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (otlp || builder.Configuration.GetValue(TracesKey, false))
        {
            // The Azure SDK emits its spans only with this switch on.
            AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
            telemetry.WithTracing(t =>
            {
                t.AddAspNetCoreInstrumentation(o => o.Filter = ctx => !IsOperationalPath(ctx.Request.Path))
                    .AddHttpClientInstrumentation()
                    .AddSource(TraceSources);
                if (otlp)
                {
                    t.AddOtlpExporter();
                }
            });
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
