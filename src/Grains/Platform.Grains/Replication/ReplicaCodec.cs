using Platform.KeyValue;

namespace Platform.Replication;

/// <summary>The binary pieces replica commands and snapshots share.</summary>
internal static class ReplicaCodec
{
    public static void WriteBytes(BinaryWriter writer, byte[]? bytes)
    {
        writer.Write(bytes is null ? -1 : bytes.Length);
        if (bytes is not null)
        {
            writer.Write(bytes);
        }
    }

    public static byte[]? ReadBytes(BinaryReader reader)
    {
        var length = reader.ReadInt32();
        return length < 0 ? null : reader.ReadBytes(length);
    }

    public static void WriteString(BinaryWriter writer, string? text)
    {
        writer.Write(text is not null);
        if (text is not null)
        {
            writer.Write(text);
        }
    }

    public static string? ReadString(BinaryReader reader) => reader.ReadBoolean() ? reader.ReadString() : null;

    public static void WriteTokens(BinaryWriter writer, IReadOnlyDictionary<string, long>? tokens)
    {
        writer.Write(tokens is null ? -1 : tokens.Count);
        foreach (var (name, token) in tokens ?? new Dictionary<string, long>())
        {
            writer.Write(name);
            writer.Write(token);
        }
    }

    public static Dictionary<string, long>? ReadTokens(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        if (count < 0)
        {
            return null;
        }

        var tokens = new Dictionary<string, long>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            tokens[reader.ReadString()] = reader.ReadInt64();
        }

        return tokens;
    }

    public static void WriteEntry(BinaryWriter writer, KeyValueEntry entry)
    {
        writer.Write(entry.Key);
        writer.Write(entry.Value.Length);
        writer.Write(entry.Value);
        WriteString(writer, entry.ContentType);
        writer.Write(entry.Version);
        writer.Write(entry.ModifiedAt.UtcTicks);
        writer.Write(entry.Deleted);
        WriteTokens(writer, entry.Fences);
    }

    public static KeyValueEntry ReadEntry(BinaryReader reader) => new()
    {
        Key = reader.ReadString(),
        Value = reader.ReadBytes(reader.ReadInt32()),
        ContentType = ReadString(reader),
        Version = reader.ReadInt64(),
        ModifiedAt = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero),
        Deleted = reader.ReadBoolean(),
        Fences = ReadTokens(reader),
    };

    public static void WriteResult(BinaryWriter writer, KeyValueWriteResult result)
    {
        writer.Write((byte)result.Status);
        writer.Write(result.Version);
        writer.Write(result.Created);
        WriteString(writer, result.Detail);
    }

    public static KeyValueWriteResult ReadResult(BinaryReader reader) => new()
    {
        Status = (KeyValueWriteStatus)reader.ReadByte(),
        Version = reader.ReadInt64(),
        Created = reader.ReadBoolean(),
        Detail = ReadString(reader),
    };
}
