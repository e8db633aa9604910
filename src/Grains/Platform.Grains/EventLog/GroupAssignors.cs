namespace Platform.EventLog;

/// <summary>The assignors of consumer groups, as pure functions of the members, their subscriptions and the partition counts.</summary>
public static class GroupAssignors
{
    /// <summary>
    /// The partitions each member is due. <paramref name="members"/>: member id, subscribed topics, and (sticky) what
    /// it is due now. Every partition of a subscribed topic goes to exactly one subscribed member.
    /// </summary>
    public static Dictionary<string, List<TopicPartition>> Assign(
        GroupAssignor assignor,
        IReadOnlyList<(string MemberId, IReadOnlyList<string> Topics, IReadOnlyList<TopicPartition> Previous)> members,
        IReadOnlyDictionary<string, int> partitionCounts)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(partitionCounts);
        var ordered = members.OrderBy(m => m.MemberId, StringComparer.Ordinal).ToList();
        var result = ordered.ToDictionary(m => m.MemberId, _ => new List<TopicPartition>(), StringComparer.Ordinal);
        var topics = ordered.SelectMany(m => m.Topics).Distinct().Where(partitionCounts.ContainsKey).Order(StringComparer.Ordinal).ToList();
        var all = topics.SelectMany(t => Enumerable.Range(0, partitionCounts[t]).Select(p => new TopicPartition(t, p))).ToList();
        bool Subscribes(string member, string topic) => ordered.First(m => m.MemberId == member).Topics.Contains(topic);
        switch (assignor)
        {
            case GroupAssignor.Range:
                foreach (var topic in topics)
                {
                    var subscribed = ordered.Where(m => m.Topics.Contains(topic)).ToList();
                    var count = partitionCounts[topic];
                    var next = 0;
                    for (var i = 0; i < subscribed.Count; i++)
                    {
                        var take = (count / subscribed.Count) + (i < count % subscribed.Count ? 1 : 0);
                        result[subscribed[i].MemberId].AddRange(Enumerable.Range(next, take).Select(p => new TopicPartition(topic, p)));
                        next += take;
                    }
                }

                break;
            case GroupAssignor.RoundRobin:
                var turn = 0;
                foreach (var partition in all)
                {
                    for (var tried = 0; tried < ordered.Count; tried++)
                    {
                        var member = ordered[(turn + tried) % ordered.Count];
                        if (member.Topics.Contains(partition.Topic))
                        {
                            result[member.MemberId].Add(partition);
                            turn += tried + 1;
                            break;
                        }
                    }
                }

                break;
            case GroupAssignor.Sticky:
                var valid = all.ToHashSet();
                var taken = new HashSet<TopicPartition>();
                var eligible = ordered.Count(m => m.Topics.Count > 0);
                var quota = eligible == 0 ? 0 : (all.Count + eligible - 1) / eligible;
                foreach (var member in ordered)
                {
                    foreach (var partition in member.Previous.Where(p => valid.Contains(p) && member.Topics.Contains(p.Topic)).Order())
                    {
                        if (result[member.MemberId].Count < quota && taken.Add(partition))
                        {
                            result[member.MemberId].Add(partition);
                        }
                    }
                }

                foreach (var partition in all.Where(p => !taken.Contains(p)))
                {
                    var target = result.Where(r => Subscribes(r.Key, partition.Topic))
                        .OrderBy(r => r.Value.Count).ThenBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Key).FirstOrDefault();
                    if (target is not null)
                    {
                        result[target].Add(partition);
                    }
                }

                // Even out what stickiness left lopsided: move one partition at a time from the fullest to the emptiest member that can take it.
                for (var moves = 0; moves < all.Count; moves++)
                {
                    var fullest = result.OrderByDescending(r => r.Value.Count).ThenBy(r => r.Key, StringComparer.Ordinal).First();
                    var move = fullest.Value.OrderDescending().Select(p => (Partition: p, To: result
                            .Where(r => r.Value.Count + 1 < fullest.Value.Count && Subscribes(r.Key, p.Topic))
                            .OrderBy(r => r.Value.Count).ThenBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Key).FirstOrDefault()))
                        .FirstOrDefault(m => m.To is not null);
                    if (move.To is null)
                    {
                        break;
                    }

                    fullest.Value.Remove(move.Partition);
                    result[move.To].Add(move.Partition);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(assignor), assignor, "unknown assignor");
        }

        foreach (var list in result.Values)
        {
            list.Sort();
        }

        return result;
    }
}
