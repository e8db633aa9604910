namespace Platform.Configuration;

/// <summary>An options class of Platform: bound from one configuration section and checked at start-up.</summary>
public interface IPlatformOptions
{
    /// <summary>Every problem with the values, each one line naming its key; empty when the values are good.</summary>
    IEnumerable<string> Validate();
}
