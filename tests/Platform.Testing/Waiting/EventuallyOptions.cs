namespace Platform.Testing.Waiting;

/// <summary>How <see cref="Eventually"/> waits.</summary>
public sealed class EventuallyOptions
{
    /// <summary>How long to keep checking; default <see cref="Eventually.DefaultTimeout"/>.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Pause between checks; default <see cref="Eventually.DefaultInterval"/>.</summary>
    public TimeSpan? Interval { get; init; }

    /// <summary>Exceptions of the probe that mean "not yet" (e.g. a connection refused while a process starts).</summary>
    public Func<Exception, bool>? RetryOn { get; init; }

    /// <summary>Describes the last unsatisfying value for the timeout message; default its ToString.</summary>
    public Func<object?, string>? Describe { get; init; }
}
