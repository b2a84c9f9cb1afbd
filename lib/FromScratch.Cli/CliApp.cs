using System.CommandLine;

namespace FromScratch.Cli;

/// <summary>An exception type that a command line reports as one message and an exit code, never as a stack trace.</summary>
/// <param name="ExceptionType">The exception type (subclasses match too).</param>
/// <param name="ExitCode">The process exit code: <see cref="CliApp.BadInput"/> for the user's input, 1 for a run that failed.</param>
public sealed record KnownError(Type ExceptionType, int ExitCode)
{
    /// <summary>Reports <typeparamref name="T"/> with <paramref name="exitCode"/>.</summary>
    public static KnownError Of<T>(int exitCode) where T : Exception => new(typeof(T), exitCode);
}

/// <summary>
/// The conventions every FromScratch command line shares: <c>--help</c> exits 0; an unknown option or a missing, malformed
/// or out-of-range value prints one line naming the problem, then the usage, and exits <see cref="BadInput"/> before any
/// work starts; a known exception (a missing dataset, a bad parameter file, …) prints its message and no stack trace, after
/// <c>error: </c> when it is the user's input at fault (<see cref="BadInput"/>), as for an argument.
/// </summary>
public static class CliApp
{
    /// <summary>The exit code for bad input (arguments, files).</summary>
    public const int BadInput = 2;

    /// <summary>Parses <paramref name="args"/> and runs <paramref name="run"/> unless help was asked for or the arguments are wrong.</summary>
    public static int Run(RootCommand root, string[] args, Func<ParseResult, int> run, params KnownError[] known)
        => RunAsync(root, args, parse => Task.FromResult(run(parse)), known).GetAwaiter().GetResult();

    /// <inheritdoc cref="Run"/>
    public static async Task<int> RunAsync(RootCommand root, string[] args, Func<ParseResult, Task<int>> run, params KnownError[] known)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0) return Fail(root, parse.Errors[0].Message);
        if (parse.Action is not null && parse.Action != root.Action)
        {
            // --help (or another built-in action such as --version): it prints and the program stops with 0.
            parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
            return 0;
        }
        try
        {
            return await run(parse);
        }
        catch (Exception e) when (known.FirstOrDefault(k => k.ExceptionType.IsInstanceOfType(e)) is { } k)
        {
            Console.Out.Flush();
            Console.Error.WriteLine(k.ExitCode == BadInput ? $"error: {e.Message.TrimEnd()}" : e.Message.TrimEnd());
            return k.ExitCode;
        }
    }

    /// <summary>Prints <c>error: message</c> and the usage to standard error and returns <see cref="BadInput"/>.</summary>
    public static int Fail(RootCommand root, string message)
    {
        Console.Error.WriteLine($"error: {OneLine(message)}");
        Console.Error.WriteLine();
        Console.Error.Write(Usage(root));
        return BadInput;
    }

    /// <summary>The help text of <paramref name="root"/>, as <c>--help</c> prints it.</summary>
    public static string Usage(RootCommand root)
    {
        var text = new StringWriter();
        root.Parse(["--help"]).Invoke(new InvocationConfiguration { Output = text, Error = text });
        return text.ToString();
    }

    /// <summary>The message on one line (line breaks become spaces).</summary>
    public static string OneLine(string message) =>
        string.Join(' ', message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
