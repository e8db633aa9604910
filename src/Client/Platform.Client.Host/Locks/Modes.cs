using Platform.Errors;
using Platform.Locks;

namespace Platform.Client.Host.Locks;

internal static class Modes
{
    public static string Name(LeaseMode mode) => mode == LeaseMode.Shared ? "shared" : "exclusive";

    public static LeaseMode Parse(string? mode) => mode switch
    {
        null or "exclusive" => LeaseMode.Exclusive,
        "shared" => LeaseMode.Shared,
        _ => throw new PlatformValidationException("mode", $"must be \"exclusive\" or \"shared\" (got \"{mode}\")"),
    };
}
