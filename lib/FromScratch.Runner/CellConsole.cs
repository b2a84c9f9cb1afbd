using System.Text;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;

namespace FromScratch.Runner;

/// <summary>
/// <see cref="Console.Out"/> and <see cref="Console.Error"/> while the runner's kernel runs a cell: what the cell prints goes
/// straight to that cell's <see cref="CellOutputs"/>, which stores it up to its cap. Without this, .NET Interactive turns every
/// write into a kernel event and keeps each one until the submission ends (the invocation context replays its events, the
/// command's result lists them, and the text also stays in the kernel's per-cell StringWriter): a cell printing 100 MB held
/// about 500 MB more. Display values (<c>display()</c>, charts, return values) still come as kernel events. Both paths run
/// synchronously on the writing thread, so printed text and displays keep their order.
/// </summary>
internal sealed class CellConsole
{
    private readonly Writer _out, _error;
    private CellOutputs? _cell;

    private CellConsole()
    {
        _out = new Writer(this, "stdout");
        _error = new Writer(this, "stderr");
    }

    /// <summary>Gives the cells that <paramref name="kernel"/> runs (its <see cref="SubmitCode"/> commands) this console.</summary>
    public static CellConsole Install(Kernel kernel)
    {
        var console = new CellConsole();
        kernel.AddMiddleware(console.Middleware);
        return console;
    }

    /// <summary>Sends what the cells print to <paramref name="outputs"/> until disposed; after that it is dropped (a cell that timed out).</summary>
    public IDisposable Capture(CellOutputs outputs)
    {
        Volatile.Write(ref _cell, outputs);
        return System.Reactive.Disposables.Disposable.Create(() => Interlocked.CompareExchange(ref _cell, null, outputs));
    }

    private async Task Middleware(KernelCommand command, KernelInvocationContext context, KernelPipelineContinuation next)
    {
        if (command is not SubmitCode)
        {
            await next(command, context);
            return;
        }
        // The kernel has set its own console writers when it created the invocation context; these replace them for the
        // cell and are put back before the kernel restores the process's original ones.
        var (kernelOut, kernelError) = (Console.Out, Console.Error);
        Console.SetOut(_out);
        Console.SetError(_error);
        try
        {
            await next(command, context);
        }
        finally
        {
            Console.SetOut(kernelOut);
            Console.SetError(kernelError);
        }
    }

    /// <summary>One stream. <see cref="Console.SetOut"/> wraps it in a synchronized writer; every write of a line becomes one call.</summary>
    private sealed class Writer(CellConsole console, string name) : TextWriter
    {
        private static readonly Encoding s_encoding = new UnicodeEncoding(bigEndian: false, byteOrderMark: false);

        public override Encoding Encoding => s_encoding;

        public override void Write(char value) => Write(new ReadOnlySpan<char>(in value));

        public override void Write(string? value) => Write(value.AsSpan());

        public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

        public override void Write(ReadOnlySpan<char> buffer) => Volatile.Read(ref console._cell)?.Write(name, buffer);

        public override void WriteLine(string? value) => WriteLine(value.AsSpan());

        public override void WriteLine(ReadOnlySpan<char> buffer)
        {
            if (Volatile.Read(ref console._cell) is not { } cell) return;
            cell.Write(name, buffer);
            cell.Write(name, CoreNewLine);
        }
    }
}
