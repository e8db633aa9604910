using System.Text.Json;

namespace Platform.Tests.Deploy;

/// <summary>A pod template's labels, matched against a selector's <c>matchLabels</c>.</summary>
public sealed class LabelSet(IReadOnlyDictionary<string, string> labels)
{
    /// <summary>True when every label of <paramref name="selector"/> is on these labels with the same value.</summary>
    public bool Matches(JsonElement selector) =>
        selector.EnumerateObject().All(s => labels.TryGetValue(s.Name, out var v) && v == s.Value.GetString());

    /// <summary>Fails naming <paramref name="what"/> unless <see cref="Matches"/>.</summary>
    public void ShouldContain(JsonElement selector, string what) => Assert.True(Matches(selector), $"{what} does not match the pod template's labels");
}
