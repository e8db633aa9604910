using Microsoft.Extensions.Options;

namespace Platform.Configuration;

/// <summary>Runs an options class's own checks for <c>ValidateOnStart</c>: one validator shape for every block.</summary>
public sealed class PlatformOptionsValidator<T> : IValidateOptions<T>
    where T : class, IPlatformOptions
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate().ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
