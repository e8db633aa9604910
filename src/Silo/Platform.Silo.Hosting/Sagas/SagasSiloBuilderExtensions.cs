using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Configuration;
using Platform.KeyValue;
using Platform.Sagas;
using Platform.Silo.Hosting.Sagas;

namespace Platform.Silo.Hosting;

/// <summary>The sagas block on the silo side: limits, definitions and instances (<see cref="SagaInstanceGrain"/>) and the step runner.</summary>
public static class SagasSiloBuilderExtensions
{
    /// <summary>
    /// The limits (<c>Platform:Sagas</c>), checked when the host starts; the step runner (<see cref="SagaStepRunner"/>:
    /// a plain HTTP client and the typed key-value client) unless the host registered one itself. Definitions and
    /// instances live in the default grain storage; the resume reminder in the cluster's reminder service.
    /// </summary>
    public static ISiloBuilder AddPlatformSagas(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        silo.Services.AddPlatformOptions<SagasOptions>(SagasOptions.SectionName);
        silo.Services.AddKeyValueClient(configuration);
        silo.Services.AddHttpClient(SagaStepRunner.HttpClientName);
        silo.Services.TryAddSingleton<ISagaStepRunner, SagaStepRunner>();
        return silo;
    }
}
