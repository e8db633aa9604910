using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;

namespace Platform.Replication.Storage;

/// <summary>
/// What both replica stores in Azure Table rows share: bytes in 64 KiB binary columns (<c>B00</c>..<c>B10</c>, 704 KiB
/// per row, under the 1 MiB entity limit), and deleting a batch of rows that may be gone already.
/// </summary>
internal static class TableRowSegments
{
    public const int SegmentBytes = 64 * 1024;
    public const int SegmentsPerRow = 11;
    public const int RowBytes = SegmentBytes * SegmentsPerRow;

    /// <summary>A batch holds at most 100 operations.</summary>
    public const int MaxBatchOps = 99;

    public static string Segment(int i) => string.Create(CultureInfo.InvariantCulture, $"B{i:D2}");

    /// <summary>Writes up to <see cref="RowBytes"/> of <paramref name="bytes"/> into the row's segment columns.</summary>
    public static void Fill(TableEntity row, ReadOnlySpan<byte> bytes)
    {
        for (var s = 0; s < SegmentsPerRow && s * SegmentBytes < bytes.Length; s++)
        {
            row[Segment(s)] = bytes.Slice(s * SegmentBytes, Math.Min(SegmentBytes, bytes.Length - (s * SegmentBytes))).ToArray();
        }
    }

    /// <summary>Appends the row's segment columns, in order, to <paramref name="into"/>.</summary>
    public static void Drain(TableEntity row, MemoryStream into)
    {
        for (var s = 0; s < SegmentsPerRow && row.GetBinary(Segment(s)) is { } segment; s++)
        {
            into.Write(segment);
        }
    }

    /// <summary>Deletes the rows in one transaction; when one is gone already, the rest one by one.</summary>
    public static async Task DeleteAsync(TableClient table, List<TableTransactionAction> batch)
    {
        try
        {
            await table.SubmitTransactionAsync(batch);
        }
        catch (TableTransactionFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            foreach (var action in batch)
            {
                try
                {
                    await table.DeleteEntityAsync(action.Entity.PartitionKey, action.Entity.RowKey);
                }
                catch (RequestFailedException gone) when (gone.Status == (int)HttpStatusCode.NotFound)
                {
                }
            }
        }
    }
}
