using Platform.Locks;

namespace Platform.Client.Host.Locks;

/// <summary>One current holder, as listed in status answers and in 409 problems.</summary>
public sealed record HolderResponse(string Owner, long Token, string Mode, int Count, DateTimeOffset ExpiresAt)
{
    public static HolderResponse From(LeaseHolder h) => new(h.Owner, h.Token, Modes.Name(h.Mode), h.Count, h.ExpiresAt);
}
