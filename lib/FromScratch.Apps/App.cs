using System.Globalization;
using System.Reflection;
using FromScratch.Charts;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;

namespace FromScratch.Apps;

/// <summary>
/// The runtime of a notebook exported as a file-based app (<c>out/apps/NN-name.cs</c>): it reads the app's command line
/// (<c>--param name=value</c>, <c>--help</c>), numbers the cells, shows each cell's displayed value (text on the console;
/// charts, images, graphs and the draw pad in one offline HTML page next to the app), and turns a failing cell into one line
/// naming the cell and an exit code of 1. The export writes the calls; a learner does not call this.
/// </summary>
public static class App
{
    private static string s_name = "app";
    private static string s_pagePath = "app.html";
    private static readonly Dictionary<string, string> s_params = new(StringComparer.Ordinal);
    private static readonly HashSet<string> s_used = new(StringComparer.Ordinal);
    private static Page? s_page;

    /// <summary>The code cell running now (its 1-based number in the notebook, markdown cells counted).</summary>
    public static int CurrentCell { get; private set; }

    /// <summary>Whether the app prints a <c>##cell N</c> line before each cell's output (<c>FROMSCRATCH_APP_CELLS=1</c>; the tests use it).</summary>
    public static bool CellMarkers { get; } = Environment.GetEnvironmentVariable("FROMSCRATCH_APP_CELLS") == "1";

    /// <summary>The page the app writes (next to the app, <c>NN-name.html</c>).</summary>
    internal static Page Page => s_page ??= new Page(s_name);

    /// <summary>Reads the command line; on <c>--help</c> or a bad argument prints and exits (0, or 2 with one line).</summary>
    /// <param name="name">The notebook's name (<c>04-training</c>).</param>
    /// <param name="args">The app's command line.</param>
    /// <param name="parameters">The parameters cell's number and its variables; null when the notebook has none.</param>
    /// <param name="appFile">The app's source file (the page goes next to it); the compiler fills it in.</param>
    public static void Start(string name, string[] args, (int Cell, string[] Names)? parameters, [System.Runtime.CompilerServices.CallerFilePath] string appFile = "")
    {
        s_name = name;
        s_pagePath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(appFile)) ?? ".", name + ".html");
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;   // as the runner: numbers print the same everywhere
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var fileName = name + ".ipynb";
        if (typeof(Chart).Assembly.GetCustomAttribute<System.Diagnostics.DebuggableAttribute>()?.IsJITOptimizerDisabled == true)
            Console.Error.WriteLine($"note: the library was built without optimizations (Debug), so training is slow; run it with: dotnet run -c Release {Path.GetFileName(appFile)}");
        try
        {
            for (int i = 0; i < args.Length; i++)
            {
                var arg = args[i];
                if (arg is "--help" or "-h" or "-?")
                {
                    Console.WriteLine($"{name}: the notebook {fileName} as a program (exported by FromScratch.Runner).");
                    Console.WriteLine("Usage: dotnet run -c Release " + Path.GetFileName(appFile) + " -- [--param NAME=VALUE]...");
                    Console.WriteLine("  --param, -p NAME=VALUE  override a variable of the parameters cell with a C# expression (repeatable)");
                    if (parameters is { } p) Console.WriteLine($"                          cell {p.Cell} declares: {string.Join(", ", p.Names)}");
                    Console.WriteLine($"Writes the charts and pictures into {Path.GetFileName(s_pagePath)} next to the app.");
                    Environment.Exit(0);
                }
                string text;
                if (arg is "--param" or "-p")
                {
                    if (i + 1 >= args.Length) throw new NotebookParameterException("--param: expected name=value, e.g. --param itersNum=1200.");
                    text = args[++i];
                }
                else if (arg.StartsWith("--param=", StringComparison.Ordinal)) text = arg["--param=".Length..];
                else throw new NotebookParameterException(arg.StartsWith('-') ? $"unknown option {arg}" : $"unexpected argument {arg}");
                var (key, value) = ParameterRules.ParseAssignment(text);
                if (parameters is null) throw ParameterRules.NoParametersCell(fileName, [key], "parameters");
                ParameterRules.CheckDeclared(fileName, key, parameters.Value.Cell, parameters.Value.Names);
                ParameterRules.CheckExpression(fileName, key, value);
                s_params[key] = value;   // a later one wins, as in the runner
            }
        }
        catch (NotebookParameterException e)
        {
            Console.Error.WriteLine("error: " + e.Message);
            Environment.Exit(2);
        }
    }

    /// <summary>The value of parameter <paramref name="name"/>: the command line's expression when given, else <paramref name="declared"/>.</summary>
    public static T Param<T>(string name, T declared)
    {
        if (!s_params.TryGetValue(name, out var expression)) return declared;
        s_used.Add(name);
        try
        {
            var options = ScriptOptions.Default.WithReferences(typeof(T).Assembly, typeof(Enumerable).Assembly).WithImports("System", "System.Linq");
            return CSharpScript.EvaluateAsync<T>(expression, options).GetAwaiter().GetResult();
        }
        catch (CompilationErrorException e)
        {
            Console.Error.WriteLine($"error: {s_name}.ipynb: --param {name}={expression}: not a value of type {TypeName(typeof(T))} ({e.Diagnostics.FirstOrDefault()?.GetMessage(CultureInfo.InvariantCulture)}).");
            Environment.Exit(2);
            return declared;
        }
    }

    /// <summary>Marks the start of code cell <paramref name="number"/>.</summary>
    public static void Cell(int number)
    {
        Display.FinishLive();   // a live view ends with its cell, as in a notebook: its final state goes into the page there
        CurrentCell = number;
        Page.Cell(number);
        if (CellMarkers) Console.WriteLine($"##cell {number}");
    }

    /// <summary>A cell's displayed value (its last expression): text on the console, pictures into the page.</summary>
    public static void Show(object? value) => Display.Show(value);

    /// <summary>The end of the notebook: writes the page and says where.</summary>
    public static void End()
    {
        Display.FinishLive();
        WritePage();
    }

    /// <summary>A cell threw: one line naming the cell and the message (no stack trace), the page so far, exit code 1.</summary>
    public static void Fail(Exception e)
    {
        Display.FinishLive();
        while (e is TargetInvocationException { InnerException: { } inner }) e = inner;
        while (e is AggregateException { InnerExceptions.Count: 1 } a) e = a.InnerExceptions[0];
        Console.Out.Flush();
        Console.Error.WriteLine($"cell {CurrentCell} failed: {(e is NotImplementedException or InvalidOperationException or ArgumentException or FormatException ? "" : e.GetType().Name + ": ")}{e.Message}");
        if (Environment.GetEnvironmentVariable("FROMSCRATCH_APP_TRACE") == "1") Console.Error.WriteLine(e.StackTrace);
        WritePage();
        Environment.Exit(1);
    }

    private static void WritePage()
    {
        if (Page.Count == 0) return;
        Page.Write(s_pagePath);
        Console.WriteLine($"▸ page: {s_pagePath} ({Page.Count} picture(s))");
    }

    private static string TypeName(Type t) => Nullable.GetUnderlyingType(t) is { } u ? TypeName(u) + "?" : t.Name;
}
