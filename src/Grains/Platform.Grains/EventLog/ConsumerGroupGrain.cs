using System.Globalization;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Platform.Errors;

namespace Platform.EventLog;

/// <summary>
/// A consumer group: membership with sessions, generations, cooperative assignment and generation-fenced commits.
/// Every change of members, generation, assignment or offsets is persisted before it is answered; heartbeats only
/// touch memory (a re-activated group gives every member a fresh session).
/// </summary>
/// <remarks>
/// [Reentrant] so that a join waiting for its assignment to settle does not hold up the other members' rejoins
/// that settle it. Every read-decide-write of state runs under <see cref="_gate"/> (an async mutex); a write that
/// fails re-reads the state, so memory never runs ahead of storage.
/// </remarks>
[Reentrant]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The gate lives as long as the activation and holds no wait handle.")]
public sealed class ConsumerGroupGrain(
    [PersistentState("group", TopicGrain.StorageName)] IPersistentState<GroupState> state,
    IOptions<EventLogOptions> options,
    TimeProvider time,
    ILocalSiloDetails silo) : Grain, IConsumerGroupGrain
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, DateTimeOffset> _lastSeen = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = NewSignal();

    private GroupState Group => state.State;

    private EventLogOptions Limits => options.Value;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var member in Group.Members)
        {
            _lastSeen[member.MemberId] = now;
        }

        var period = TimeSpan.FromMilliseconds(Limits.SessionCheckMs);
        this.RegisterGrainTimer(ExpireSessionsAsync, new GrainTimerCreationOptions(period, period) { Interleave = true });
        return Task.CompletedTask;
    }

    public Task<GroupJoinResult> Join(GroupJoinRequest request, IReadOnlyDictionary<string, int> partitionCounts)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(partitionCounts);
        return MutateAsync(() =>
        {
            if (Group.Assignor is { } assignor && assignor != request.Assignor && Group.Members.Any(m => m.MemberId != request.MemberId))
            {
                throw new PlatformConflictException($"Group '{Name}' uses the {Label(assignor)} assignor; this member asked for {Label(request.Assignor)}.");
            }

            var rebalance = false;
            foreach (var (topic, count) in partitionCounts)
            {
                if (!Group.PartitionCounts.TryGetValue(topic, out var known) || known != count)
                {
                    Group.PartitionCounts[topic] = count;
                    rebalance |= Group.Members.Any(m => m.Topics.Contains(topic));
                }
            }

            var member = request.MemberId is { } id
                ? Group.Members.FirstOrDefault(m => m.MemberId == id)
                    ?? throw new PlatformConflictException($"Member '{id}' is not in group '{Name}' (its session ended or it left); join again without memberId.")
                : request.InstanceId is { } instance ? Group.Members.FirstOrDefault(m => m.InstanceId == instance) : null;
            if (member is null)
            {
                if (Group.Members.Count >= Limits.MaxGroupMembers)
                {
                    throw new PlatformConflictException($"Group '{Name}' has {Group.Members.Count} members, the most allowed ({EventLogOptions.SectionName}:MaxGroupMembers).");
                }

                member = new GroupMemberState { MemberId = "m-" + Guid.NewGuid().ToString("N"), InstanceId = request.InstanceId };
                Group.Members.Add(member);
                rebalance = true;
            }

            if (!member.Topics.SequenceEqual(request.Topics))
            {
                member.Topics = [.. request.Topics];
                rebalance = true;
            }

            member.SessionTimeoutMs = request.SessionTimeoutMs;
            Group.Assignor = request.Assignor;
            if (rebalance)
            {
                GroupRebalance.NewGeneration(Group);
            }

            GroupRebalance.Acknowledge(Group, member);
            _lastSeen[member.MemberId] = time.GetUtcNow();
            return Answer(member);
        });
    }

    public async Task<GroupJoinResult> AwaitSettled(string memberId, int waitMs, CancellationToken cancellationToken = default)
    {
        var deadline = time.GetUtcNow() + TimeSpan.FromMilliseconds(Math.Clamp(waitMs, 0, Limits.MaxWaitMs));
        while (true)
        {
            var signal = _changed;
            var answer = await MutateAsync(() =>
            {
                var member = Find(memberId);
                _lastSeen[memberId] = time.GetUtcNow();
                if (member.AckedGeneration != Group.Generation)
                {
                    GroupRebalance.Acknowledge(Group, member);
                }

                return Answer(member);
            }, onlyIfChanged: true);
            var left = deadline - time.GetUtcNow();
            if (!answer.Rebalancing || left <= TimeSpan.Zero)
            {
                return answer;
            }

            try
            {
                await signal.Task.WaitAsync(left, time, cancellationToken);
            }
            catch (TimeoutException)
            {
                // One more round answers the assignment as it is now.
                deadline = time.GetUtcNow();
            }
        }
    }

    public Task<GroupHeartbeatResult> Heartbeat(string memberId, long generation)
    {
        var member = Group.Members.FirstOrDefault(m => m.MemberId == memberId)
            ?? throw new PlatformNotFoundException($"Member '{memberId}' is not in group '{Name}' (its session ended or it left); join again.");
        _lastSeen[memberId] = time.GetUtcNow();
        var rejoin = generation != Group.Generation || member.AckedGeneration != Group.Generation || !member.Answered.SequenceEqual(member.Assignment());
        return Task.FromResult(new GroupHeartbeatResult(Group.Generation, rejoin));
    }

    public async Task<bool> Leave(string memberId)
    {
        var left = false;
        await MutateAsync(() =>
        {
            left = Group.Members.RemoveAll(m => m.MemberId == memberId) > 0;
            _lastSeen.Remove(memberId);
            if (left)
            {
                GroupRebalance.NewGeneration(Group);
            }

            return true;
        }, onlyIfChanged: true);
        return left;
    }

    public Task Commit(string memberId, long generation, IReadOnlyList<OffsetCommit> offsets)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        return MutateAsync(() =>
        {
            var member = Group.Members.FirstOrDefault(m => m.MemberId == memberId)
                ?? throw new PlatformConflictException($"Member '{memberId}' is not in group '{Name}' (its session ended or it left): its commit is refused.");
            if (generation != Group.Generation)
            {
                throw new PlatformConflictException($"Generation {generation} is not group '{Name}''s current generation {Group.Generation}: the commit is refused; rejoin.");
            }

            var owned = member.Assignment();
            foreach (var offset in offsets)
            {
                var partition = new TopicPartition(offset.Topic, offset.Partition);
                if (!owned.Contains(partition))
                {
                    throw new PlatformConflictException($"Member '{memberId}' does not hold {offset.Topic}/{offset.Partition} in generation {generation}: the commit is refused.");
                }
            }

            foreach (var offset in offsets)
            {
                Group.Offsets.RemoveAll(o => o.Topic == offset.Topic && o.Partition == offset.Partition);
                Group.Offsets.Add(offset);
            }

            Group.Offsets.Sort((a, b) => new TopicPartition(a.Topic, a.Partition).CompareTo(new TopicPartition(b.Topic, b.Partition)));

            _lastSeen[memberId] = time.GetUtcNow();
            return true;
        });
    }

    public Task<GroupView> Describe() => Task.FromResult(new GroupView
    {
        Group = Name,
        Generation = Group.Generation,
        Assignor = Group.Assignor,
        Rebalancing = !GroupRebalance.Settled(Group),
        Members = [.. Group.Members.OrderBy(m => m.MemberId, StringComparer.Ordinal).Select(m => new GroupMemberView
        {
            MemberId = m.MemberId,
            InstanceId = m.InstanceId,
            Topics = [.. m.Topics],
            Assignment = m.Assignment(),
            SessionTimeoutMs = m.SessionTimeoutMs,
            Generation = m.AckedGeneration,
        })],
        Offsets = [.. Group.Offsets],
        Empty = Group.Generation == 0 && Group.Offsets.Count == 0,
        Silo = silo.SiloAddress.ToParsableString(),
    });

    private string Name => this.GetPrimaryKeyString();

    private GroupMemberState Find(string memberId) =>
        Group.Members.FirstOrDefault(m => m.MemberId == memberId)
            ?? throw new PlatformNotFoundException($"Member '{memberId}' is not in group '{Name}' (its session ended or it left); join again.");

    private GroupJoinResult Answer(GroupMemberState member)
    {
        var assignment = member.Assignment();
        member.Answered = assignment;
        return new GroupJoinResult { MemberId = member.MemberId, Generation = Group.Generation, Assignment = assignment, Rebalancing = !GroupRebalance.Settled(Group) };
    }

    private async Task ExpireSessionsAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!Group.Members.Any(m => Expired(m, now)))
        {
            return;
        }

        await MutateAsync(() =>
        {
            var expired = Group.Members.RemoveAll(m => Expired(m, time.GetUtcNow()));
            if (expired > 0)
            {
                GroupRebalance.NewGeneration(Group);
            }

            return true;
        }, onlyIfChanged: true);
    }

    private bool Expired(GroupMemberState member, DateTimeOffset now) =>
        !_lastSeen.TryGetValue(member.MemberId, out var seen) || seen + TimeSpan.FromMilliseconds(member.SessionTimeoutMs) < now;

    /// <summary>Decides under the gate and persists the state before answering; on a failed write the state is re-read.</summary>
    private async Task<T> MutateAsync<T>(Func<T> decide, bool onlyIfChanged = false)
    {
        await _gate.WaitAsync();
        try
        {
            var before = onlyIfChanged ? Fingerprint() : null;
            var answer = decide();
            if (!onlyIfChanged || Fingerprint() != before)
            {
                try
                {
                    await state.WriteStateAsync();
                }
                catch
                {
                    await state.ReadStateAsync();
                    throw;
                }

                Signal();
            }

            return answer;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>What persisting would change: generation, members with their partitions, offsets.</summary>
    private string Fingerprint() => string.Join(';',
        Group.Generation.ToString(CultureInfo.InvariantCulture),
        string.Join(',', Group.Members.Select(m => $"{m.MemberId}:{m.AckedGeneration}:{string.Join('|', m.Owned)}:{string.Join('|', m.Target)}:{string.Join('|', m.Answered)}")),
        string.Join(',', Group.Offsets.Select(o => $"{o.Topic}/{o.Partition}={o.Offset}")));

    private void Signal()
    {
        var signal = _changed;
        _changed = NewSignal();
        signal.TrySetResult();
    }

    private static string Label(GroupAssignor assignor) => assignor switch
    {
        GroupAssignor.Range => "range",
        GroupAssignor.RoundRobin => "round-robin",
        _ => "sticky",
    };

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
