using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Client;

namespace Platform.Locks;

public static class LocksClientExtensions
{
    /// <summary>Locks, semaphores and elections: <see cref="ILocks"/>, <see cref="ISemaphores"/>, <see cref="IElection"/> (<c>Platform:Locks</c>).</summary>
    public static IServiceCollection AddLocksClient(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddClientOptions<LockOptions>(configuration, LockOptions.SectionName);
        services.TryAddSingleton<LockClient>();
        services.TryAddSingleton<ILocks, DistributedLocks>();
        services.TryAddSingleton<ISemaphores, DistributedSemaphores>();
        services.TryAddSingleton<IElection, LeaderElection>();
        return services;
    }
}
