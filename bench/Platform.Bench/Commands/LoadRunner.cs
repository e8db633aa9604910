using Platform.Bench.Load;

namespace Platform.Bench.Commands;

/// <summary>Runs one load against a target and prints the human lines and the RESULT line.</summary>
internal static class LoadRunner
{
    public static async Task<int> RunAsync(IKeyValueTarget target, LoadOptions options, CancellationToken cancellationToken)
    {
        await using (target)
        {
            var result = await LoadDriver.RunAsync(target, options, Console.Out, cancellationToken);
            Console.WriteLine(result.Describe());
            if (result.FirstError is { } error)
            {
                Console.WriteLine($"  first error: {error}");
            }

            Console.WriteLine(result.Summary());
            return result.Operations > 0 ? 0 : 1;
        }
    }
}
