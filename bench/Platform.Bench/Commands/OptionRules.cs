using System.CommandLine;

namespace Platform.Bench.Commands;

/// <summary>Range checks for driver options, so every command words its errors the same way.</summary>
internal static class OptionRules
{
    public static Option<T> AtLeast<T>(this Option<T> option, T min)
        where T : IComparable<T>
    {
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<T>()!.CompareTo(min) < 0)
            {
                r.AddError($"{option.Name} must be at least {min}.");
            }
        });
        return option;
    }

    public static Option<T> Above<T>(this Option<T> option, T bound)
        where T : IComparable<T>
    {
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<T>()!.CompareTo(bound) <= 0)
            {
                r.AddError($"{option.Name} must be greater than {bound}.");
            }
        });
        return option;
    }
}
