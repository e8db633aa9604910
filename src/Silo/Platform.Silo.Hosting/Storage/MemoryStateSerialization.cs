using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace Platform.Silo.Hosting.Storage;

/// <summary>
/// Memory grain storage holds state only for the life of the process, so no stored format has to stay readable
/// across versions: it uses Orleans' binary serializer (every state class is <c>[GenerateSerializer]</c>) instead of
/// Orleans' default Newtonsoft JSON, which took about a third of the embedded host's CPU on saga and lock writes.
/// Durable storage (Azure Table) keeps JSON: its rows must stay readable by the next version.
/// </summary>
internal static class MemoryStateSerialization
{
    public static void UseOrleansSerializer(IServiceCollection services, string providerName) =>
        services.AddOptions<MemoryGrainStorageOptions>(providerName)
            .Configure<Serializer>((options, serializer) => options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));
}
