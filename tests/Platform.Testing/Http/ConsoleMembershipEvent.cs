namespace Platform.Testing.Http;

/// <summary>One failure-detection event of the console's cluster panel (<see cref="PlatformApiClient.GetMembershipEventsAsync"/>).</summary>
public sealed record ConsoleMembershipEvent(string Silo, int Generation, string Kind, string? By, DateTimeOffset At, string Source);
