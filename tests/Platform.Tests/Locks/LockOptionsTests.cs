using Platform.Locks;

namespace Platform.Tests.Locks;

/// <summary>Platform:Locks is checked at start-up; each bad value yields one message naming its key.</summary>
public sealed class LockOptionsTests
{
    [Fact]
    public void Validate_Defaults_AreValid() => Assert.Empty(new LockOptions().Validate());

    [Theory]
    [InlineData(nameof(LockOptions.MaxWaitMs), 30_000, "Platform:Locks:MaxWaitMs")]
    [InlineData(nameof(LockOptions.MinLeaseMs), 0, "Platform:Locks:MinLeaseMs")]
    [InlineData(nameof(LockOptions.DefaultLeaseMs), 50, "Platform:Locks:DefaultLeaseMs")]
    [InlineData(nameof(LockOptions.MaxLeaseMs), 10, "Platform:Locks:MaxLeaseMs")]
    [InlineData(nameof(LockOptions.WatchPollMs), 26_000, "Platform:Locks:WatchPollMs")]
    public void Validate_BadValue_NamesTheKey(string property, int value, string key)
    {
        var options = new LockOptions();
        typeof(LockOptions).GetProperty(property)!.SetValue(options, value);
        var errors = options.Validate().ToList();
        Assert.Contains(errors, e => e.StartsWith(key, StringComparison.Ordinal));
    }
}
