namespace Platform.Replication.Raft;

/// <summary>
/// The binary form of Raft messages, entries, configurations and snapshot metadata: what replica grains send each
/// other (one byte array per batch of messages) and what replica storage keeps. Little-endian, versioned by its
/// first byte.
/// </summary>
public static class RaftCodec
{
    private const byte Version = 1;

    public static byte[] EncodeMessages(IReadOnlyList<RaftMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write(Version);
        writer.Write(messages.Count);
        foreach (var m in messages)
        {
            Write(writer, m);
        }

        writer.Flush();
        return stream.ToArray();
    }

    public static List<RaftMessage> DecodeMessages(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false));
        CheckVersion(reader);
        var count = reader.ReadInt32();
        var messages = new List<RaftMessage>(count);
        for (var i = 0; i < count; i++)
        {
            messages.Add(ReadMessage(reader));
        }

        return messages;
    }

    public static byte[] EncodeEntry(LogEntry entry)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write(Version);
        Write(writer, entry);
        writer.Flush();
        return stream.ToArray();
    }

    public static LogEntry DecodeEntry(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false));
        CheckVersion(reader);
        return ReadEntry(reader);
    }

    public static byte[] EncodeSnapshotMeta(RaftSnapshotMeta meta)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write(Version);
        Write(writer, meta);
        writer.Flush();
        return stream.ToArray();
    }

    public static RaftSnapshotMeta DecodeSnapshotMeta(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false));
        CheckVersion(reader);
        return ReadMeta(reader);
    }

    public static void Write(BinaryWriter writer, MemberId member)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(member.Replica);
        writer.Write(member.Incarnation);
    }

    public static MemberId ReadMember(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return new MemberId(reader.ReadInt32(), reader.ReadInt64());
    }

    public static void Write(BinaryWriter writer, RaftConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(config);
        writer.Write(config.Voters.Count);
        foreach (var m in config.Voters)
        {
            Write(writer, m);
        }

        writer.Write(config.Learners.Count);
        foreach (var m in config.Learners)
        {
            Write(writer, m);
        }
    }

    public static RaftConfiguration ReadConfig(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var voters = new MemberId[reader.ReadInt32()];
        for (var i = 0; i < voters.Length; i++)
        {
            voters[i] = ReadMember(reader);
        }

        var learners = new MemberId[reader.ReadInt32()];
        for (var i = 0; i < learners.Length; i++)
        {
            learners[i] = ReadMember(reader);
        }

        return new RaftConfiguration(voters, learners);
    }

    private static void CheckVersion(BinaryReader reader)
    {
        var version = reader.ReadByte();
        if (version != Version)
        {
            throw new InvalidDataException($"Unknown Raft encoding version {version}.");
        }
    }

    private static void Write(BinaryWriter writer, RaftSnapshotMeta meta)
    {
        writer.Write(meta.Index);
        writer.Write(meta.Term);
        Write(writer, meta.Config);
    }

    private static RaftSnapshotMeta ReadMeta(BinaryReader reader) => new(reader.ReadInt64(), reader.ReadInt64(), ReadConfig(reader));

    private static void Write(BinaryWriter writer, LogEntry entry)
    {
        writer.Write(entry.Index);
        writer.Write(entry.Term);
        writer.Write((byte)entry.Kind);
        writer.Write(entry.Data.Length);
        writer.Write(entry.Data);
        if (entry.Kind == EntryKind.Config)
        {
            Write(writer, entry.Config!);
        }
    }

    private static LogEntry ReadEntry(BinaryReader reader)
    {
        var index = reader.ReadInt64();
        var term = reader.ReadInt64();
        var kind = (EntryKind)reader.ReadByte();
        var data = reader.ReadBytes(reader.ReadInt32());
        var config = kind == EntryKind.Config ? ReadConfig(reader) : null;
        return new LogEntry(index, term, kind, data, config);
    }

    private static void Write(BinaryWriter writer, RaftMessage m)
    {
        writer.Write((byte)m.Kind);
        Write(writer, m.From);
        Write(writer, m.To);
        writer.Write(m.Term);
        switch (m.Kind)
        {
            case MessageKind.PreVote:
            case MessageKind.Vote:
                writer.Write(m.LastLogIndex);
                writer.Write(m.LastLogTerm);
                writer.Write(m.Transfer);
                break;
            case MessageKind.PreVoteResponse:
            case MessageKind.VoteResponse:
                writer.Write(m.Granted);
                break;
            case MessageKind.Append:
                writer.Write(m.PrevIndex);
                writer.Write(m.PrevTerm);
                writer.Write(m.Commit);
                writer.Write(m.ReadContext);
                writer.Write(m.Entries.Count);
                foreach (var e in m.Entries)
                {
                    Write(writer, e);
                }

                break;
            case MessageKind.AppendResponse:
                writer.Write(m.Success);
                writer.Write(m.MatchIndex);
                writer.Write(m.RejectedIndex);
                writer.Write(m.RejectHint);
                writer.Write(m.ReadContext);
                break;
            case MessageKind.Snapshot:
                Write(writer, m.SnapshotMeta!);
                writer.Write(m.Commit);
                writer.Write(m.Offset);
                writer.Write(m.Done);
                writer.Write(m.Chunk.Length);
                writer.Write(m.Chunk);
                break;
            case MessageKind.SnapshotResponse:
                writer.Write(m.Success);
                writer.Write(m.MatchIndex);
                writer.Write(m.PrevIndex);
                writer.Write(m.Offset);
                break;
            case MessageKind.TimeoutNow:
                break;
            default:
                throw new InvalidDataException($"Unknown message kind {m.Kind}.");
        }
    }

    private static RaftMessage ReadMessage(BinaryReader reader)
    {
        var kind = (MessageKind)reader.ReadByte();
        var from = ReadMember(reader);
        var to = ReadMember(reader);
        var term = reader.ReadInt64();
        var m = new RaftMessage { Kind = kind, From = from, To = to, Term = term };
        switch (kind)
        {
            case MessageKind.PreVote:
            case MessageKind.Vote:
                return m with { LastLogIndex = reader.ReadInt64(), LastLogTerm = reader.ReadInt64(), Transfer = reader.ReadBoolean() };
            case MessageKind.PreVoteResponse:
            case MessageKind.VoteResponse:
                return m with { Granted = reader.ReadBoolean() };
            case MessageKind.Append:
                {
                    var prevIndex = reader.ReadInt64();
                    var prevTerm = reader.ReadInt64();
                    var commit = reader.ReadInt64();
                    var context = reader.ReadInt64();
                    var entries = new LogEntry[reader.ReadInt32()];
                    for (var i = 0; i < entries.Length; i++)
                    {
                        entries[i] = ReadEntry(reader);
                    }

                    return m with { PrevIndex = prevIndex, PrevTerm = prevTerm, Commit = commit, ReadContext = context, Entries = entries };
                }

            case MessageKind.AppendResponse:
                return m with { Success = reader.ReadBoolean(), MatchIndex = reader.ReadInt64(), RejectedIndex = reader.ReadInt64(), RejectHint = reader.ReadInt64(), ReadContext = reader.ReadInt64() };
            case MessageKind.Snapshot:
                {
                    var meta = ReadMeta(reader);
                    var commit = reader.ReadInt64();
                    var offset = reader.ReadInt64();
                    var done = reader.ReadBoolean();
                    var chunk = reader.ReadBytes(reader.ReadInt32());
                    return m with { SnapshotMeta = meta, Commit = commit, Offset = offset, Done = done, Chunk = chunk };
                }

            case MessageKind.SnapshotResponse:
                return m with { Success = reader.ReadBoolean(), MatchIndex = reader.ReadInt64(), PrevIndex = reader.ReadInt64(), Offset = reader.ReadInt64() };
            case MessageKind.TimeoutNow:
                return m;
            default:
                throw new InvalidDataException($"Unknown message kind {kind}.");
        }
    }
}
