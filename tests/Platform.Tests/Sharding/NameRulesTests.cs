using Platform.Validation;

namespace Platform.Tests.Sharding;

public sealed class NameRulesTests
{
    [Theory]
    [InlineData("orders")]
    [InlineData("a.b_c~d:e-f")]
    [InlineData("X")]
    public void CheckName_ValidNames_AreAccepted(string name) => Assert.Null(NameRules.CheckName(name));

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("slash/inside")]
    [InlineData("ünicode")]
    public void CheckName_InvalidNames_AreRefusedWithReason(string name) => Assert.NotNull(NameRules.CheckName(name));

    [Fact]
    public void CheckName_LongerThan128_IsRefused() => Assert.NotNull(NameRules.CheckName(new string('a', 129)));

    [Fact]
    public void CheckKey_CountsUtf8BytesNotCharacters()
    {
        Assert.Null(NameRules.CheckKey(new string('é', 256), 512));
        Assert.NotNull(NameRules.CheckKey(new string('é', 257), 512));
    }

    [Fact]
    public void CheckKey_UnpairedSurrogate_IsRefused() => Assert.NotNull(NameRules.CheckKey("a\ud800b", 512));
}
