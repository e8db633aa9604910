using Platform.Configuration;
namespace Platform.Transactions;

/// <summary>Limits of multi-key transactions (<c>Platform:Transactions</c>); enforced by the client before a transaction starts.</summary>
public sealed class TransactionOptions : IPlatformOptions
{
    public const string SectionName = "Platform:Transactions";

    /// <summary>Most entries in each of a transaction's compare, success and failure lists. Default 128.</summary>
    public int MaxOps { get; set; } = 128;

    public IEnumerable<string> Validate()
    {
        if (MaxOps is < 1 or > 10_000)
        {
            yield return $"{SectionName}:MaxOps must be between 1 and 10000 (got {MaxOps}).";
        }
    }
}
