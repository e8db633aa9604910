using System.Buffers;
using Orleans.Serialization;

namespace Platform.Transactions.Storage;

/// <summary>
/// The size limits of <see cref="TableTransactionalStateStorage{TState}"/>, computed from Azure Table storage's own
/// limits as they are measured on the wire, where binary properties travel base64-encoded.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>One binary property holds 64 KiB (<see cref="ChunkBytes"/>); a record's serialized state is cut into such
/// chunks, at most <see cref="MaxChunks"/> of them: <see cref="MaxStateBytes"/> = 960 KiB, the stated limit.</item>
/// <item>A row is at most 1 MiB. Azure counts binary properties at their length, but a replaced row is measured by its
/// JSON body (Azurite refuses an update over 1 MiB of JSON with 400 EntityTooLarge), where 64 KiB of binary take
/// 87,384 bytes of base64. With <see cref="RowOverheadBytes"/> for everything else on the row, a row carries
/// <see cref="ChunksPerRow"/> chunks (704 KiB), so a record over that spans two rows, written and deleted in one
/// batch. (Before, a record was always one row: 15 chunks are 1.25 MiB of JSON, so replacing a record between about
/// 768 and 960 KiB failed on every attempt.)</item>
/// <item>One entity-group batch is at most 100 operations and a 4 MiB request body; batches are planned on the
/// encoded size, with <see cref="MaxBatchWireBytes"/> leaving room for the multipart framing.</item>
/// </list>
/// </remarks>
public static class TableStateLayout
{
    /// <summary>The largest binary property Azure Table storage takes.</summary>
    public const int ChunkBytes = 64 * 1024;

    /// <summary>Most chunks in one record.</summary>
    public const int MaxChunks = 15;

    /// <summary>The largest serialized state one record holds: 960 KiB.</summary>
    public const int MaxStateBytes = ChunkBytes * MaxChunks;

    /// <summary>The largest row, as its JSON body is measured.</summary>
    public const int RowJsonBytes = 1024 * 1024;

    /// <summary>
    /// A bound on a row's JSON besides its chunks: partition key (up to 1 KiB of characters, escaped) and row key,
    /// transaction id, timestamp and manager, the counts, odata annotations and property names.
    /// </summary>
    public const int RowOverheadBytes = 16 * 1024;

    /// <summary>One chunk on the wire: its base64 plus its property name and type annotation.</summary>
    public const int EncodedChunkBytes = ((ChunkBytes + 2) / 3 * 4) + 64;

    /// <summary>Chunks one row carries: 11.</summary>
    public const int ChunksPerRow = (RowJsonBytes - RowOverheadBytes) / EncodedChunkBytes;

    /// <summary>Most operations in one entity-group batch.</summary>
    public const int MaxBatchActions = 100;

    /// <summary>The planned encoded size of one batch (the request body limit is 4 MiB).</summary>
    public const int MaxBatchWireBytes = (4 * 1024 * 1024) - (256 * 1024);

    /// <summary>The JSON size of <paramref name="bytes"/> of binary on the wire (base64).</summary>
    public static int EncodedBytes(int bytes) => (bytes + 2) / 3 * 4;

    /// <summary>The serialized size of <paramref name="state"/> as the storage writes it, without keeping the bytes.</summary>
    public static long SerializedBytes<T>(Serializer serializer, T state)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        var counter = new CountingBufferWriter();
        try
        {
            serializer.Serialize(state, counter);
            return counter.Written;
        }
        finally
        {
            counter.Dispose();
        }
    }

    /// <summary>A buffer writer that only counts: it hands out one pooled scratch buffer again and again.</summary>
    private sealed class CountingBufferWriter : IBufferWriter<byte>, IDisposable
    {
        private byte[] _scratch = ArrayPool<byte>.Shared.Rent(16 * 1024);

        public long Written { get; private set; }

        public void Advance(int count) => Written += count;

        public Memory<byte> GetMemory(int sizeHint = 0) => Scratch(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => Scratch(sizeHint);

        public void Dispose()
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = [];
        }

        private byte[] Scratch(int sizeHint)
        {
            if (sizeHint > _scratch.Length)
            {
                ArrayPool<byte>.Shared.Return(_scratch);
                _scratch = ArrayPool<byte>.Shared.Rent(sizeHint);
            }

            return _scratch;
        }
    }
}
