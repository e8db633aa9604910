namespace Platform.Hosting;

/// <summary>Grain state storage (<c>Platform:Storage</c>).</summary>
public sealed class PlatformStorageOptions
{
    public const string SectionName = "Platform:Storage";

    /// <summary><c>Memory</c> (default) or <c>AzureTable</c>.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Memory;

    /// <summary>The Azure Table storage connection string (AzureTable only).</summary>
    public string? ConnectionString { get; set; }

    public IEnumerable<string> Validate()
    {
        if (Provider == StorageProvider.AzureTable)
        {
            yield return $"{SectionName}:Provider=AzureTable is not available in this build yet; use Memory.";
        }
    }
}
