using Platform.Errors;
using Platform.Locks;

namespace Platform.Client.Host.Locks;

/// <summary>The <c>mode</c> words of a lock acquire's JSON body.</summary>
internal static class Modes
{
    public static LeaseMode Parse(string? mode) => mode switch
    {
        null or "exclusive" => LeaseMode.Exclusive,
        "shared" => LeaseMode.Shared,
        _ => throw new PlatformValidationException("mode", $"must be \"exclusive\" or \"shared\" (got \"{mode}\")"),
    };
}
