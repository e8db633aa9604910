using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Platform.Configuration;

public static class PlatformOptionsExtensions
{
    /// <summary>
    /// Binds <typeparamref name="T"/> to <paramref name="section"/> with its validator, checked when the host starts:
    /// a bad value stops it with an <see cref="OptionsValidationException"/> whose failures each name the key.
    /// Registering the same options twice (silo and client in one host) binds them once.
    /// </summary>
    public static IServiceCollection AddPlatformOptions<T>(this IServiceCollection services, string section)
        where T : class, IPlatformOptions
    {
        if (services.Any(d => d.ServiceType == typeof(IValidateOptions<T>) && d.ImplementationType == typeof(PlatformOptionsValidator<T>)))
        {
            return services;
        }

        services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>, PlatformOptionsValidator<T>>());
        return services;
    }
}
