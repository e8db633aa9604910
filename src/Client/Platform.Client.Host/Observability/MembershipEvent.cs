namespace Platform.Client.Host.Observability;

/// <summary>One failure-detection or membership event the console shows in its cluster panel.</summary>
/// <param name="At">When it happened (UTC): from the membership table where <paramref name="Source"/> is <c>table</c>, else when this host saw it.</param>
/// <param name="Silo">The silo's endpoint <c>address:port</c>.</param>
/// <param name="Generation">The silo's generation (a restart on the same endpoint has a new one).</param>
/// <param name="Name">The silo's name.</param>
/// <param name="Kind"><c>joined</c>, <c>active</c>, <c>suspected</c>, <c>shutting-down</c>, <c>stopping</c> or <c>dead</c>.</param>
/// <param name="By">For <c>suspected</c>: the silo that voted; else null.</param>
/// <param name="Source"><c>table</c> (a time the membership table holds: start, vote, last I-am-alive) or <c>seen</c> (a status change this host noticed between two reads).</param>
public sealed record MembershipEvent(DateTimeOffset At, string Silo, int Generation, string Name, string Kind, string? By, string Source);
