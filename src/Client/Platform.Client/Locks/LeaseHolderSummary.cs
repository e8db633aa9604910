namespace Platform.Locks;

/// <summary>One current holder as callers see it, in status answers and in a refusal's <see cref="LeaseConflictException.Details"/>.</summary>
public sealed record LeaseHolderSummary(string Owner, long Token, LeaseMode Mode, int Count, DateTimeOffset ExpiresAt)
{
    public static LeaseHolderSummary From(LeaseHolder holder)
    {
        ArgumentNullException.ThrowIfNull(holder);
        return new(holder.Owner, holder.Token, holder.Mode, holder.Count, holder.ExpiresAt);
    }
}
