using Microsoft.CodeAnalysis.CSharp;

namespace FromScratch.Apps;

/// <summary>A <c>--param</c> that a notebook cannot take: unknown name, no parameters cell, a value that is not C#.</summary>
public sealed class NotebookParameterException(string message) : Exception(message);

/// <summary>
/// The rules of <c>--param name=value</c>, one copy for the runner (compiled into it from this file) and the exported apps:
/// the form, the name (declared in the parameters cell), the value (one C# expression), and their messages.
/// </summary>
public static class ParameterRules
{
    /// <summary><c>name=value</c> → (name, value); the value may contain '='.</summary>
    public static KeyValuePair<string, string> ParseAssignment(string text)
    {
        int eq = text.IndexOf('=');
        var name = eq > 0 ? text[..eq].Trim() : "";
        if (eq <= 0 || !SyntaxFacts.IsValidIdentifier(name) || eq == text.Length - 1)
            throw new NotebookParameterException($"--param {text}: expected name=value, e.g. --param itersNum=1200.");
        return new(name, text[(eq + 1)..]);
    }

    /// <summary>Throws unless <paramref name="name"/> is one of <paramref name="declared"/> (the parameters cell's variables).</summary>
    public static void CheckDeclared(string fileName, string name, int cellNumber, IReadOnlyList<string> declared)
    {
        if (!declared.Contains(name, StringComparer.Ordinal))
            throw new NotebookParameterException(
                $"{fileName}: --param {name} is not declared in its parameters cell (cell {cellNumber} declares {string.Join(", ", declared)}).");
    }

    /// <summary>Throws unless <paramref name="value"/> is exactly one C# expression.</summary>
    public static void CheckExpression(string fileName, string name, string value)
    {
        var expression = SyntaxFactory.ParseExpression(value);
        if (string.IsNullOrWhiteSpace(value) || expression.ContainsDiagnostics || expression.FullSpan.Length != value.Length)
            throw new NotebookParameterException($"{fileName}: --param {name}={value}: the value is not a C# expression.");
    }

    /// <summary>The message for a notebook without a parameters cell that was given <paramref name="names"/>.</summary>
    public static NotebookParameterException NoParametersCell(string fileName, IEnumerable<string> names, string tag) =>
        new($"{fileName} has no parameters cell (a code cell tagged \"{tag}\"), so it takes no --param ({string.Join(", ", names)}).");
}
