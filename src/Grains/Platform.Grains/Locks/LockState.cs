namespace Platform.Locks;

/// <summary>What a lease grain persists: the token counter, the holders and (semaphores) the permits.</summary>
/// <remarks>
/// The grain never changes the instance it has published: every decision works on <see cref="Copy"/>, which is
/// written and only then published (see LockGrain.Mutate). A member added here must be copied there too.
/// </remarks>
[GenerateSerializer, Alias("Platform.LeaseState")]
public sealed class LockState
{
    /// <summary>The highest token granted; written before any grant carrying it is answered.</summary>
    [Id(0)] public long LastToken { get; set; }

    /// <summary>Holders in grant order (expired ones are dropped on the next change or activation).</summary>
    [Id(1)] public List<LeaseHolder> Holders { get; set; } = [];

    [Id(2)] public int? Permits { get; set; }

    /// <summary>A copy to decide on (holders are immutable records, so copying the list is enough).</summary>
    public LockState Copy() => new() { LastToken = LastToken, Holders = [.. Holders], Permits = Permits };
}
