namespace Platform.Silo.Hosting.Storage;

/// <summary>Where grain state lives.</summary>
public enum StorageProvider
{
    /// <summary>This process's memory: nothing survives a restart. The embedded default.</summary>
    Memory = 0,

    /// <summary>Azure Table storage (Azurite locally).</summary>
    AzureTable = 1,
}
