namespace Platform.Bench.Load;

/// <summary>The operation a run drives.</summary>
internal enum KeyValueOperation
{
    Get,
    Put,
}
