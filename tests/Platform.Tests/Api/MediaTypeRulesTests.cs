using Platform.Validation;

namespace Platform.Tests.Api;

/// <summary>The media type grammar of RFC 9110 section 8.3.1, as stored values need it (ASCII, at most MaxLength).</summary>
public sealed class MediaTypeRulesTests
{
    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/octet-stream")]
    [InlineData("application/vnd.platform+json")]
    [InlineData("text/plain; charset=utf-8")]
    [InlineData("text/plain;charset=utf-8")]
    [InlineData("text/plain ;\tcharset=utf-8")]
    [InlineData("multipart/form-data; boundary=\"a b;c\\\"d\"")]
    [InlineData("text/plain;")]
    [InlineData("text/plain; a=1; b=2")]
    [InlineData("x-!#$%&'*+.^_`|~/y")]
    public void Check_ValidMediaTypes_AreAccepted(string mediaType) => Assert.Null(MediaTypeRules.Check(mediaType));

    [Theory]
    [InlineData("")]
    [InlineData("text")]
    [InlineData("text/")]
    [InlineData("/plain")]
    [InlineData("text/plain/x")]
    [InlineData("text /plain")]
    [InlineData(" text/plain")]
    [InlineData("text/plain ")]
    [InlineData("text/plain; charset")]
    [InlineData("text/plain; charset=")]
    [InlineData("text/plain; =utf-8")]
    [InlineData("text/plain; a=b c")]
    [InlineData("text/plain; a=\"unterminated")]
    [InlineData("text/plain; a=\"bad\\")]
    [InlineData("text/plain, text/html")]
    [InlineData("text/plain\r\nX-Injected: 1")]
    [InlineData("text/plain\u0000")]
    [InlineData("text/pl\u00e4in")]
    [InlineData("text/plain; a=\"\u00e9\"")]
    [InlineData("text/plain; a=\"\ud800\"")]
    public void Check_InvalidMediaTypes_AreRefusedWithReason(string mediaType) => Assert.NotNull(MediaTypeRules.Check(mediaType));

    [Fact]
    public void Check_CountsTheLimitInCharacters()
    {
        var longest = "a/" + new string('b', MediaTypeRules.MaxLength - 2);
        Assert.Null(MediaTypeRules.Check(longest));
        Assert.NotNull(MediaTypeRules.Check(longest + "b"));
    }
}
