using Platform.Testing.Http;

namespace Platform.ClusterTests.History;

/// <summary>
/// A definite wrong answer from the platform (a 500, a malformed 200, a status the operation can never answer): a
/// fault test that records it fails at once instead of treating it as an unknown outcome.
/// </summary>
public sealed class UnexpectedAnswerException : Exception
{
    public UnexpectedAnswerException()
    {
    }

    public UnexpectedAnswerException(string message)
        : base(message)
    {
    }

    public UnexpectedAnswerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The answer that was wrong, when there was one.</summary>
    public ApiResponse? Response { get; init; }
}
