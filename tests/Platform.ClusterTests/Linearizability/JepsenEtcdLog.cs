using System.Globalization;
using System.Text.RegularExpressions;

namespace Platform.ClusterTests.Linearizability;

/// <summary>
/// One Jepsen etcd register history as the checker takes it, with what the parser counted while reading it.
/// </summary>
/// <param name="Operations">Every operation that may have happened, in invocation order.</param>
/// <param name="Completed">Operations with a known result (<c>:ok</c>, and <c>:fail</c> on a CAS: its compare failed).</param>
/// <param name="Indeterminate">Operations whose outcome is unknown (<c>:info</c>, or still pending when the log ends).</param>
/// <param name="Dropped">Operations that certainly did not happen (<c>:fail</c> other than a CAS's, e.g. a timed-out read).</param>
public sealed record JepsenEtcdHistory(
    IReadOnlyList<LinearizabilityOperation<RegisterInput, RegisterOutput>> Operations, int Completed, int Indeterminate, int Dropped);

/// <summary>
/// Reads the Jepsen etcd logs that Porcupine ships (<c>test_data/jepsen/etcd_NNN.log</c>; see Jepsen/README.md):
/// lines <c>INFO  jepsen.util - &lt;process&gt; :&lt;type&gt; :&lt;f&gt; &lt;value&gt;</c> with type invoke, ok, fail or info
/// and f read (value <c>nil</c> on invoke, the value or <c>nil</c> on ok), write (the value) or cas (<c>[from to]</c>,
/// a compare-and-set on the value). Times are line numbers. Outcomes, as Porcupine's own parser and model read them
/// (porcupine_test.go, <c>parseJepsenLog</c> and <c>etcdModel</c>):
/// <list type="bullet">
/// <item><c>:ok</c>: the result is known: a read's value, an applied write or CAS.</item>
/// <item><c>:fail :cas</c>: the CAS ran and its compare failed (the register did not hold <c>from</c>).</item>
/// <item><c>:fail :read :timed-out</c>: left out. Porcupine keeps it with an unknown output, which constrains
/// nothing; a read has no effect either way.</item>
/// <item><c>:info</c> (a timeout: the client crashed): unknown, returning at +∞: it may have taken effect at any
/// point after its invocation, or never. The process is done with it: Jepsen gives the crashed worker a fresh
/// process id (2 → 7 with five workers), but should an id come back, its next <c>:invoke</c> starts a new operation.
/// Porcupine leaves such operations pending and gives them an unknown return after the last line; +∞ is the same.</item>
/// <item>An invocation still pending at the end of the log: unknown, as <c>:info</c>.</item>
/// </list>
/// Anything else (an unknown line, a completion without an invocation, an <c>:ok</c> that names other arguments than
/// its invocation) throws <see cref="FormatException"/>, so a history is never checked with operations silently lost.
/// </summary>
public static partial class JepsenEtcdLog
{
    public static JepsenEtcdHistory Parse(string path) => Parse(File.ReadLines(path));

    public static JepsenEtcdHistory Parse(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var operations = new List<LinearizabilityOperation<RegisterInput, RegisterOutput>?>();
        var pending = new Dictionary<int, (int Index, long Call, RegisterInput Input, string Argument)>();
        int completed = 0, indeterminate = 0, dropped = 0;
        long lineNumber = 0;
        foreach (var raw in lines)
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var match = LinePattern().Match(line);
            if (!match.Success)
            {
                throw Error(lineNumber, $"not a Jepsen register event: '{line}'");
            }

            var process = int.Parse(match.Groups["process"].Value, NumberStyles.None, CultureInfo.InvariantCulture);
            var type = match.Groups["type"].Value;
            var f = match.Groups["f"].Value;
            var argument = Normalize(match.Groups["value"].Value);
            if (type == "invoke")
            {
                if (pending.ContainsKey(process))
                {
                    throw Error(lineNumber, $"process {process} invokes again before its previous operation completed");
                }

                var input = f switch
                {
                    "read" => RegisterInput.Read(),
                    "write" => RegisterInput.Write(Number(argument, lineNumber)),
                    _ => Cas(argument, lineNumber),
                };
                pending.Add(process, (operations.Count, lineNumber, input, argument));
                operations.Add(null);
                continue;
            }

            if (!pending.Remove(process, out var call))
            {
                throw Error(lineNumber, $"process {process} completes an operation it never invoked");
            }

            if (call.Input.Kind != Kind(f))
            {
                throw Error(lineNumber, $"process {process} invoked {call.Input} but completes a {f}");
            }

            switch (type)
            {
                case "info":
                    operations[call.Index] = LinearizabilityOperation<RegisterInput, RegisterOutput>.Unknown(process, call.Call, call.Input);
                    indeterminate++;
                    break;

                case "ok":
                    RegisterOutput output;
                    if (f == "read")
                    {
                        output = RegisterOutput.ReadValue(argument == "nil" ? null : Number(argument, lineNumber));
                    }
                    else
                    {
                        if (argument != call.Argument)
                        {
                            throw Error(lineNumber, $"process {process} invoked {f} {call.Argument} but its ok names {argument}");
                        }

                        output = RegisterOutput.Written();
                    }

                    operations[call.Index] = new(process, call.Call, lineNumber, call.Input, output);
                    completed++;
                    break;

                case "fail" when f == "cas" && argument == call.Argument:
                    operations[call.Index] = new(process, call.Call, lineNumber, call.Input, RegisterOutput.CasFailed);
                    completed++;
                    break;

                default:
                    dropped++;
                    break;
            }
        }

        foreach (var (process, call) in pending)
        {
            operations[call.Index] = LinearizabilityOperation<RegisterInput, RegisterOutput>.Unknown(process, call.Call, call.Input);
            indeterminate++;
        }

        return new JepsenEtcdHistory([.. operations.OfType<LinearizabilityOperation<RegisterInput, RegisterOutput>>()], completed, indeterminate, dropped);
    }

    private static RegisterOperationKind Kind(string f) => f switch
    {
        "read" => RegisterOperationKind.Read,
        "write" => RegisterOperationKind.Write,
        _ => RegisterOperationKind.CasValue,
    };

    private static RegisterInput Cas(string argument, long lineNumber)
    {
        var match = CasPattern().Match(argument);
        if (!match.Success)
        {
            throw Error(lineNumber, $"a cas argument is [from to], not '{argument}'");
        }

        return RegisterInput.CasValue(Number(match.Groups[1].Value, lineNumber), Number(match.Groups[2].Value, lineNumber));
    }

    private static long Number(string text, long lineNumber) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw Error(lineNumber, $"expected a number, not '{text}'");

    // "[3  0]" and "[3 0]" name the same arguments.
    private static string Normalize(string value) => WhitespacePattern().Replace(value.Trim(), " ");

    private static FormatException Error(long lineNumber, string message) => new($"line {lineNumber.ToString(CultureInfo.InvariantCulture)}: {message}");

    [GeneratedRegex(@"^INFO\s+jepsen\.util\s+-\s+(?<process>\d+)\s+:(?<type>invoke|ok|fail|info)\s+:(?<f>read|write|cas)\s+(?<value>\S.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex LinePattern();

    [GeneratedRegex(@"^\[(-?\d+) (-?\d+)\]$", RegexOptions.CultureInvariant)]
    private static partial Regex CasPattern();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex WhitespacePattern();
}
