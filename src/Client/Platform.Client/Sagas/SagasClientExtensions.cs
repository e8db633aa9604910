using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Client;

namespace Platform.Sagas;

public static class SagasClientExtensions
{
    /// <summary>Saga definitions and instances: <see cref="ISagas"/> (<c>Platform:Sagas</c>).</summary>
    public static IServiceCollection AddSagasClient(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddClientOptions<SagasOptions>(configuration, SagasOptions.SectionName);
        services.TryAddSingleton<ISagas, Sagas>();
        return services;
    }
}
