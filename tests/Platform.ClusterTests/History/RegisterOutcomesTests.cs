using System.Text;
using Platform.ClusterTests.Linearizability;
using Platform.Testing.Http;

namespace Platform.ClusterTests.History;

/// <summary>
/// What the fault tests' recorders make of each answer: 404 is a read of "absent", a malformed 200 and any 500 fail at
/// once, and only no answer, 502, 503 and 504 are unknown.
/// </summary>
public sealed class RegisterOutcomesTests
{
    [Fact]
    public void Read_200WithValueAndETag_IsAKnownRead()
    {
        Assert.Equal(RegisterOutput.ReadValue(42, 3), RegisterOutcomes.Read(Answer(200, "42", 3)));
    }

    [Fact]
    public void Read_404_IsADefiniteReadOfAbsent()
    {
        var output = RegisterOutcomes.Read(Answer(404, """{"status":404}"""));
        Assert.Equal(RegisterOutput.ReadValue(null), output);
        Assert.False(new RegisterModel().Step(new RegisterState(5, 2), RegisterInput.Read(), output, out _), "a 404 must contradict a key that holds a value");
        Assert.True(new RegisterModel().Step(new RegisterState(null, 0), RegisterInput.Read(), output, out _));
    }

    [Theory]
    [InlineData("forty-two", 3L)]
    [InlineData("42", null)]
    [InlineData("", 1L)]
    public void Read_Malformed200_FailsAtOnce(string body, long? version)
    {
        Assert.Throws<UnexpectedAnswerException>(() => RegisterOutcomes.Read(Answer(200, body, version)));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(400)]
    [InlineData(409)]
    [InlineData(501)]
    public void EveryOperation_On500OrAStatusItCannotAnswer_FailsAtOnce(int status)
    {
        var answer = Answer(status, """{"status":0}""");
        Assert.Throws<UnexpectedAnswerException>(() => RegisterOutcomes.Read(answer));
        Assert.Throws<UnexpectedAnswerException>(() => RegisterOutcomes.Write(answer));
        Assert.Throws<UnexpectedAnswerException>(() => RegisterOutcomes.CompareAndSet(answer));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public void EveryOperation_OnNoAnswerOr502To504_IsUnknown(int status)
    {
        var answer = Answer(status, "");
        Assert.True(ApiOutcome.IsUnknown(answer));
        Assert.Null(RegisterOutcomes.Read(answer));
        Assert.Null(RegisterOutcomes.Write(answer));
        Assert.Null(RegisterOutcomes.CompareAndSet(answer));
    }

    [Fact]
    public void Writes_SuccessWithETag_AreKnown_AndWithoutETagFailAtOnce()
    {
        Assert.Equal(RegisterOutput.Written(4), RegisterOutcomes.Write(Answer(201, "", 4)));
        Assert.Equal(RegisterOutput.Written(5), RegisterOutcomes.CompareAndSet(Answer(200, "", 5)));
        Assert.Throws<UnexpectedAnswerException>(() => RegisterOutcomes.Write(Answer(200, "")));
        Assert.Throws<UnexpectedAnswerException>(() => RegisterOutcomes.CompareAndSet(Answer(201, "", 1)));
    }

    [Fact]
    public void CompareAndSet_412_IsAKnownRefusalAtTheCurrentVersionItNames()
    {
        var problem = ApiProblem.Parse("""{"type":"about:blank","title":"t","status":412,"currentVersion":7}""");
        var answer = new ApiResponse { Method = "PUT", Path = "/v1/kv/n/k", Status = 412, Problem = problem };
        Assert.Equal(RegisterOutput.PreconditionFailed(7), RegisterOutcomes.CompareAndSet(answer));
        Assert.Throws<UnexpectedAnswerException>(() => RegisterOutcomes.CompareAndSet(Answer(412, "not a problem")));
    }

    private static ApiResponse Answer(int status, string body, long? version = null) => new()
    {
        Method = "GET",
        Path = "/v1/kv/n/k",
        Status = status,
        Body = Encoding.UTF8.GetBytes(body),
        Version = version,
    };
}
