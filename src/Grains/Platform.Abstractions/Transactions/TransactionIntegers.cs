using System.Globalization;
using System.Text;

namespace Platform.Transactions;

/// <summary>Integers in text, as transactions compare and add them: optional sign, ASCII digits, signed 64-bit.</summary>
public static class TransactionIntegers
{
    public static bool TryParse(ReadOnlySpan<byte> utf8, out long value)
    {
        value = 0;
        if (utf8.IsEmpty || utf8.Length > 20)
        {
            return false;
        }

        foreach (var b in utf8)
        {
            if (!(b is (byte)'-' or (byte)'+' || (b >= (byte)'0' && b <= (byte)'9')))
            {
                return false;
            }
        }

        return long.TryParse(Encoding.ASCII.GetString(utf8), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    public static bool TryParse(string? text, out long value)
    {
        value = 0;
        return text is not null && TryParse(Encoding.UTF8.GetBytes(text), out value);
    }

    public static byte[] Format(long value) => Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));
}
