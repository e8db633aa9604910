using Microsoft.Extensions.Options;
using Platform.KeyValue;
using Platform.KeyValue.Storage;
using Platform.Silo.Hosting.Storage;

namespace Platform.Silo.Hosting.KeyValue;

/// <summary>
/// With Azure Table storage a value must fit one batch transaction: <c>Platform:KeyValue:MaxValueBytes</c> at most
/// <see cref="AzureTableShardStorage.MaxValueBytes"/>. Checked when the host starts.
/// </summary>
internal sealed class AzureTableValueLimitValidator : IValidateOptions<KeyValueOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyValueOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.MaxValueBytes > AzureTableShardStorage.MaxValueBytes
            ? ValidateOptionsResult.Fail(
                $"{KeyValueOptions.SectionName}:MaxValueBytes must be at most {AzureTableShardStorage.MaxValueBytes} with {PlatformStorageOptions.SectionName}:Provider=AzureTable (got {options.MaxValueBytes}).")
            : ValidateOptionsResult.Success;
    }
}
