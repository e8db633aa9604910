using Microsoft.Extensions.Options;
using Platform.Configuration;

namespace Platform.ServiceDefaults;

/// <summary>
/// The start-up wrapper every Platform host's <c>Program.cs</c> runs in: a bad configuration value stops the host
/// with exit code 2 and one line on standard error naming the key, whether it was found while composing the host
/// (<see cref="PlatformConfigurationException"/>) or when it starts (<see cref="OptionsValidationException"/> from
/// <c>ValidateOnStart</c>, or a value the configuration binder could not convert).
/// </summary>
public static class PlatformHost
{
    /// <summary>The exit code of a host stopped by a bad configuration value.</summary>
    public const int ConfigurationErrorExitCode = 2;

    private const string BinderAssembly = "Microsoft.Extensions.Configuration.Binder";

    /// <summary>
    /// Runs <paramref name="host"/> (build and run the application) and returns the process exit code: 0 when it
    /// ends normally, <see cref="ConfigurationErrorExitCode"/> on a bad configuration value. Other failures propagate.
    /// </summary>
    public static async Task<int> RunAsync(Func<Task> host)
    {
        ArgumentNullException.ThrowIfNull(host);
        try
        {
            await host();
            return 0;
        }
        catch (Exception ex) when (DescribeConfigurationError(ex) is { } line)
        {
            await Console.Error.WriteLineAsync($"Configuration error: {line}");
            return ConfigurationErrorExitCode;
        }
    }

    /// <summary>
    /// The one line naming the bad key(s) when <paramref name="exception"/> is a configuration error (possibly
    /// wrapped or aggregated); null for any other failure.
    /// </summary>
    public static string? DescribeConfigurationError(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var problems = new List<string>();
        return Collect(exception, problems) && problems.Count > 0
            ? string.Join(' ', problems.Select(p => p.ReplaceLineEndings(" ").Trim()))
            : null;
    }

    /// <summary>Adds the problems of a configuration error to <paramref name="problems"/>; false if it is not one.</summary>
    private static bool Collect(Exception exception, List<string> problems)
    {
        switch (exception)
        {
            case PlatformConfigurationException:
                problems.Add(exception.Message);
                return true;
            case OptionsValidationException validation:
                problems.AddRange(validation.Failures);
                return true;
            case InvalidOperationException { Source: BinderAssembly }
                when exception.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal):
                // "Failed to convert configuration value at 'Platform:Silo:Port' to type 'System.Int32'."
                problems.Add(exception.Message);
                return true;
            case AggregateException aggregate:
                return aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(e => Collect(e, problems));
            default:
                // Hosts and Orleans' lifecycle wrap what a start-up step threw.
                return exception.InnerException is { } inner && Collect(inner, problems);
        }
    }
}
