using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Providers;
using Orleans.Storage;
using Platform.Configuration;
using Platform.EventLog;
using Platform.KeyValue;
using Platform.Locks;
using Platform.Sagas;
using Platform.Silo.Hosting.Sagas;

namespace Platform.Silo.Hosting;

/// <summary>The sagas block on the silo side: limits, definitions and instances (<see cref="SagaInstanceGrain"/>) and the step runner.</summary>
public static class SagasSiloBuilderExtensions
{
    /// <summary>
    /// The limits (<c>Platform:Sagas</c>), checked when the host starts; the step runner (<see cref="SagaStepRunner"/>:
    /// a plain HTTP client and the typed key-value client) unless the host registered one itself. Definitions and
    /// instances live under <see cref="SagaInstanceGrain.StorageName"/> (the default grain storage unless the host
    /// registered storage under that name itself); the resume reminder in the cluster's reminder service, whose minimum
    /// period is lowered to <c>Platform:Sagas:ResumePeriodMs</c> when that is shorter.
    /// </summary>
    public static ISiloBuilder AddPlatformSagas(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        silo.Services.AddPlatformOptions<SagasOptions>(SagasOptions.SectionName);
        silo.Services.AddSingleton<SagaMetrics>();
        silo.Services.AddKeyValueClient(configuration);
        silo.Services.AddLocksClient(configuration);
        silo.Services.AddEventLogClient(configuration);
        silo.Services.AddHttpClient(SagaStepRunner.HttpClientName);
        silo.Services.TryAddSingleton<ISagaStepRunner, SagaStepRunner>();
        silo.Services.TryAddKeyedSingleton<IGrainStorage>(SagaInstanceGrain.StorageName,
            static (sp, _) => sp.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME));
        silo.Services.AddOptions<ReminderOptions>().Configure<IOptions<SagasOptions>>(static (reminders, sagas) =>
        {
            var period = TimeSpan.FromMilliseconds(sagas.Value.ResumePeriodMs);
            if (period < reminders.MinimumReminderPeriod)
            {
                reminders.MinimumReminderPeriod = period;
            }
        });
        return silo;
    }
}
