using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Configuration;
using Platform.KeyValue;
using Platform.Sharding;

namespace Platform.Silo.Hosting;

/// <summary>The sharding block on the silo side: namespaces (<see cref="NamespaceGrain"/>) and their catalog.</summary>
public static class ShardingSiloBuilderExtensions
{
    /// <summary>
    /// The namespace limits (shard counts under <c>Platform:KeyValue</c>), checked when the host starts. Namespace and
    /// catalog state live in the default grain storage (<see cref="StorageSiloBuilderExtensions.AddPlatformStorage"/>).
    /// </summary>
    public static ISiloBuilder AddPlatformSharding(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        silo.Services.AddPlatformOptions<KeyValueOptions>(KeyValueOptions.SectionName);

        // What namespaces may be: the storage block registers a stricter policy first when shards cannot keep data alone.
        silo.Services.TryAddSingleton(NamespacePolicy.Any);
        return silo;
    }
}
