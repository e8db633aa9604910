using Platform.Sagas;

namespace Platform.Tests.Sagas;

/// <summary>Where <see cref="SagaCrashPoint"/> crashes a silo: the instance write that matches, and whether that write is stored first.</summary>
internal sealed record SagaCrashBoundary(string Name, bool StoreThenDie, Func<string, SagaInstanceState?, SagaInstanceState, bool> Match)
{
    /// <summary>The intent of a step's first attempt is stored; the call is never made.</summary>
    public static SagaCrashBoundary BeforeCall(string instancePrefix, string step) => new(
        $"after the intent of '{step}', before its call",
        true,
        (id, before, next) => id.StartsWith(instancePrefix, StringComparison.Ordinal) && Open(next, step, "action") && !Open(before, step, "action"));

    /// <summary>A step's call answered; the write of its result is lost.</summary>
    public static SagaCrashBoundary BeforeResult(string instancePrefix, string step) => new(
        $"after the call of '{step}', before its result is stored",
        false,
        (id, before, next) => id.StartsWith(instancePrefix, StringComparison.Ordinal) && Ended(next, step, "action") && !Ended(before, step, "action"));

    /// <summary>A compensation's call answered; the write of its result is lost.</summary>
    public static SagaCrashBoundary DuringCompensation(string instancePrefix, string step) => new(
        $"after the compensation call of '{step}', before its result is stored",
        false,
        (id, before, next) => id.StartsWith(instancePrefix, StringComparison.Ordinal) && Ended(next, step, "compensation") && !Ended(before, step, "compensation"));

    public bool Matches(string instance, SagaInstanceState? before, SagaInstanceState next) => Match(instance, before, next);

    public override string ToString() => Name;

    private static bool Open(SagaInstanceState? state, string step, string phase) =>
        state?.History.Any(a => a.Step == step && a.Phase == phase && a.EndedAt is null) ?? false;

    private static bool Ended(SagaInstanceState? state, string step, string phase) =>
        state?.History.Any(a => a.Step == step && a.Phase == phase && a.EndedAt is not null && a.Succeeded) ?? false;
}
