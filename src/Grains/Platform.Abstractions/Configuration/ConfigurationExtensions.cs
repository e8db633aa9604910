using Microsoft.Extensions.Configuration;

namespace Platform.Configuration;

public static class ConfigurationExtensions
{
    /// <summary>
    /// Binds a section and runs its checks now, at start-up; a bad value throws
    /// <see cref="PlatformConfigurationException"/> with one line naming the key.
    /// </summary>
    public static T ReadValidated<T>(this IConfiguration configuration, string section)
        where T : IPlatformOptions, new()
    {
        var options = new T();
        try
        {
            configuration.GetSection(section).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            // The binder says "Failed to convert configuration value at 'Platform:Silo:Port' to type ...".
            throw new PlatformConfigurationException(ex.Message, ex);
        }

        var errors = options.Validate().ToList();
        if (errors.Count > 0)
        {
            throw new PlatformConfigurationException(string.Join(" ", errors));
        }

        return options;
    }
}
