using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Platform.Silo.Hosting;
using Platform.KeyValue.Storage;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Locks;

/// <summary>Silos whose lease state lives in the <see cref="SharedGrainStorage"/> store named by <see cref="StoreSetting"/>, so it outlives silos and whole clusters.</summary>
public sealed class LeaseTestSiloConfigurator : ISiloConfigurator
{
    public const string StoreSetting = "PlatformTests:LeaseStore";

    public void Configure(ISiloBuilder siloBuilder)
    {
        var key = siloBuilder.Configuration[StoreSetting] ?? throw new InvalidOperationException($"{StoreSetting} is not set.");
        siloBuilder.Services.AddSingleton<IShardStorage, MemoryShardStorage>();
        SharedGrainStorage.AddAsLeaseStorage(siloBuilder, key);
        siloBuilder.AddPlatformGrains(siloBuilder.Configuration);
    }
}
