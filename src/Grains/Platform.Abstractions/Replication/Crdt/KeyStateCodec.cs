using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;

namespace Platform.Replication.Crdt;

/// <summary>
/// The canonical bytes of a <see cref="KeyState"/>: equal states encode to identical bytes (maps in key order), which
/// is what replicas exchange, store and hash into their Merkle trees. <see cref="Decode"/> refuses malformed bytes
/// with <see cref="FormatException"/>.
/// </summary>
public static class KeyStateCodec
{
    private const byte Version = 1;

    public static byte[] Encode(KeyState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Version);
            w.Write((byte)state.Kind);
            switch (state.Kind)
            {
                case KeyStateKind.Lww:
                    WriteValue(w, state.Lww!);
                    break;
                case KeyStateKind.Siblings:
                    WriteStore(w, state.Siblings!, WriteValue);
                    break;
                case KeyStateKind.Counter:
                    WriteMap(w, state.Counter!.Increments);
                    WriteMap(w, state.Counter.Decrements);
                    break;
                default:
                    WriteStore(w, state.Set!, (bw, s) => bw.Write(s));
                    break;
            }
        }

        return stream.ToArray();
    }

    public static KeyState Decode(ReadOnlySpan<byte> bytes)
    {
        try
        {
            using var stream = new MemoryStream(bytes.ToArray());
            using var r = new BinaryReader(stream, Encoding.UTF8);
            if (r.ReadByte() != Version)
            {
                throw new FormatException("Unknown key state version.");
            }

            var kind = (KeyStateKind)r.ReadByte();
            var state = kind switch
            {
                KeyStateKind.Lww => KeyState.Of(ReadValue(r)),
                KeyStateKind.Siblings => KeyState.Of(ReadStore(r, ReadValue)),
                KeyStateKind.Counter => KeyState.Of(new PnCounter(ReadMap(r), ReadMap(r))),
                KeyStateKind.Set => KeyState.Of(ReadStore(r, br => br.ReadString())),
                _ => throw new FormatException($"Unknown key state kind {(int)kind}."),
            };
            return stream.Position == stream.Length ? state : throw new FormatException("Trailing bytes after the key state.");
        }
        catch (EndOfStreamException ex)
        {
            throw new FormatException("Truncated key state.", ex);
        }
    }

    /// <summary>A 64-bit digest of a key and its state's canonical bytes: a Merkle tree leaf's input.</summary>
    public static ulong Digest(string key, ReadOnlySpan<byte> encoded)
    {
        ArgumentNullException.ThrowIfNull(key);
        var keyBytes = Encoding.UTF8.GetBytes(key);
        var buffer = new byte[4 + keyBytes.Length + encoded.Length];
        BinaryPrimitives.WriteInt32LittleEndian(buffer, keyBytes.Length);
        keyBytes.CopyTo(buffer, 4);
        encoded.CopyTo(buffer.AsSpan(4 + keyBytes.Length));
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(buffer, hash);
        return BinaryPrimitives.ReadUInt64LittleEndian(hash);
    }

    /// <summary>The bytes of a version vector (the causal context of a siblings read, <c>Platform-Context</c>).</summary>
    public static byte[] EncodeContext(VersionVector context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Version);
            WriteMap(w, context.Counters);
        }

        return stream.ToArray();
    }

    public static VersionVector DecodeContext(ReadOnlySpan<byte> bytes)
    {
        try
        {
            using var stream = new MemoryStream(bytes.ToArray());
            using var r = new BinaryReader(stream, Encoding.UTF8);
            if (r.ReadByte() != Version)
            {
                throw new FormatException("Unknown context version.");
            }

            var map = ReadMap(r);
            return stream.Position == stream.Length ? VersionVector.From(map) : throw new FormatException("Trailing bytes after the context.");
        }
        catch (EndOfStreamException ex)
        {
            throw new FormatException("Truncated context.", ex);
        }
    }

    private static void WriteStamp(BinaryWriter w, HlcTimestamp s)
    {
        w.Write(s.WallMs);
        w.Write(s.Counter);
        w.Write(s.Node);
    }

    private static HlcTimestamp ReadStamp(BinaryReader r) => new(r.ReadInt64(), r.ReadInt32(), r.ReadInt32());

    private static void WriteValue(BinaryWriter w, VersionedValue v)
    {
        WriteStamp(w, v.Stamp);
        w.Write(v.ContentType is not null);
        if (v.ContentType is not null)
        {
            w.Write(v.ContentType);
        }

        w.Write(v.Value is null ? -1 : v.Value.Length);
        if (v.Value is not null)
        {
            w.Write(v.Value);
        }
    }

    private static VersionedValue ReadValue(BinaryReader r)
    {
        var stamp = ReadStamp(r);
        var contentType = r.ReadBoolean() ? r.ReadString() : null;
        var length = r.ReadInt32();
        if (length < -1 || length > r.BaseStream.Length - r.BaseStream.Position)
        {
            throw new FormatException("Bad value length.");
        }

        return new VersionedValue(stamp, length < 0 ? null : r.ReadBytes(length), contentType);
    }

    private static void WriteMap(BinaryWriter w, ImmutableSortedDictionary<long, long> map)
    {
        w.Write(map.Count);
        foreach (var (k, v) in map)
        {
            w.Write(k);
            w.Write(v);
        }
    }

    private static ImmutableSortedDictionary<long, long> ReadMap(BinaryReader r)
    {
        var count = Count(r, 16);
        var map = ImmutableSortedDictionary.CreateBuilder<long, long>();
        for (var i = 0; i < count; i++)
        {
            map[r.ReadInt64()] = r.ReadInt64();
        }

        return map.ToImmutable();
    }

    private static void WriteStore<T>(BinaryWriter w, DottedStore<T> store, Action<BinaryWriter, T> write)
    {
        WriteMap(w, store.Context.Counters);
        w.Write(store.Entries.Count);
        foreach (var (dot, value) in store.Entries)
        {
            w.Write(dot.Actor);
            w.Write(dot.Counter);
            write(w, value);
        }
    }

    private static DottedStore<T> ReadStore<T>(BinaryReader r, Func<BinaryReader, T> read)
    {
        var context = VersionVector.From(ReadMap(r));
        var count = Count(r, 17);
        var entries = ImmutableSortedDictionary.CreateBuilder<Dot, T>();
        for (var i = 0; i < count; i++)
        {
            entries[new Dot(r.ReadInt64(), r.ReadInt64())] = read(r);
        }

        return new DottedStore<T>(entries.ToImmutable(), context);
    }

    private static int Count(BinaryReader r, int minBytesEach)
    {
        var count = r.ReadInt32();
        return count < 0 || (long)count * minBytesEach > r.BaseStream.Length - r.BaseStream.Position ? throw new FormatException("Bad count.") : count;
    }
}
