using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace FromScratch.Cli;

/// <summary>
/// Options with strict, culture-independent numbers and a range: <c>0,1</c>, <c>1e</c>, <c>0x10</c>, <c>NaN</c> or a value
/// outside the range is an error naming the option, the value and what is allowed — never a silently different number.
/// </summary>
public static class CliOption
{
    /// <summary>An integer option in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<int> Int(string name, string description, int defaultValue, int min, int max, string helpName = "N") => new(name)
    {
        HelpName = helpName,
        Description = $"{description} ({min}…{max})",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => Parse(result, min, max, s => ParseInt(s)) ?? defaultValue,
    };

    /// <summary>An optional integer option in [<paramref name="min"/>, <paramref name="max"/>]; <see langword="null"/> when absent.</summary>
    public static Option<int?> OptionalInt(string name, string description, int min, int max, string helpName = "N") => new(name)
    {
        HelpName = helpName,
        Description = $"{description} ({min}…{max})",
        CustomParser = result => Parse(result, min, max, s => ParseInt(s)),
    };

    /// <summary>A finite number option in (<paramref name="min"/>, <paramref name="max"/>] (or [min, max] when <paramref name="minInclusive"/>).</summary>
    public static Option<double> Double(string name, string description, double defaultValue, double min, double max, bool minInclusive = false,
        string helpName = "X") => new(name)
    {
        HelpName = helpName,
        Description = $"{description} ({(minInclusive ? "≥" : ">")} {Format(min)} and ≤ {Format(max)})",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            if (Token(result) is not { } s) return defaultValue;
            if (ParseDouble(s) is not { } v) return Error(result, s, "is not a number (use a dot: 0.1)", defaultValue);
            if (v < min || (!minInclusive && v == min) || v > max)
                return Error(result, s, $"is out of range: it must be {(minInclusive ? "≥" : ">")} {Format(min)} and ≤ {Format(max)}", defaultValue);
            return v;
        },
    };

    /// <summary>
    /// Makes a token that looks like an option (<c>-x</c>, <c>--name</c>) an error ("unknown option") where the command expects
    /// plain arguments such as file names; <c>-</c> alone and negative numbers are left alone.
    /// </summary>
    public static void RejectUnknownOptions(Argument argument) => argument.Validators.Add(result =>
    {
        foreach (var token in result.Tokens)
            if (token.Value.Length > 1 && token.Value[0] == '-' && !char.IsAsciiDigit(token.Value[1]))
                result.AddError($"unknown option {token.Value}.");
    });

    /// <summary>Strict integer: optional sign and digits only, invariant culture.</summary>
    public static int? ParseInt(string s) =>
        int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : null;

    /// <summary>Strict finite number: sign, digits, one decimal point, exponent; no thousands separators, invariant culture.</summary>
    public static double? ParseDouble(string s) =>
        double.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
            CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null;

    private static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string? Token(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;

    private static int? Parse(ArgumentResult result, int min, int max, Func<string, int?> parse)
    {
        if (Token(result) is not { } s) return null;
        if (parse(s) is not { } v) return Error<int?>(result, s, "is not a whole number", null);
        if (v < min || v > max) return Error<int?>(result, s, $"is out of range: it must be {min}…{max}", null);
        return v;
    }

    private static T Error<T>(ArgumentResult result, string value, string problem, T fallback)
    {
        var option = (result.Parent as OptionResult)?.Option.Name ?? "value";
        result.AddError($"{option} {value}: {problem}.");
        return fallback;
    }
}
