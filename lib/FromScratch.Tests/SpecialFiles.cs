using System.Diagnostics;

namespace FromScratch.Tests;

/// <summary>The things a careless or hostile folder can hold instead of a file: FIFOs, devices, folders, tiny disks.</summary>
public static class SpecialFiles
{
    /// <summary>The kinds of non-regular entry a test puts where a file is expected.</summary>
    public static readonly TheoryData<string> Kinds = new() { "fifo", "dev-zero", "dev-null", "directory" };

    /// <summary>Puts an entry of <paramref name="kind"/> at <paramref name="path"/>; returns the words the refusal must contain.</summary>
    public static string Make(string kind, string path)
    {
        switch (kind)
        {
            case "fifo": Run("mkfifo", path); return "FIFO";
            case "dev-zero": File.CreateSymbolicLink(path, "/dev/zero"); return "character device";   // endless
            case "dev-null": File.CreateSymbolicLink(path, "/dev/null"); return "character device";
            case "directory": Directory.CreateDirectory(path); return "directory";
            default: throw new ArgumentException(kind);
        }
    }

    public static void Run(string program, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true, UseShellExecute = false })!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited {p.ExitCode}: {err}");
    }

    /// <summary>
    /// Runs <paramref name="action"/> and fails the test if it takes longer than <paramref name="seconds"/> (a hang). A reader
    /// stuck on a FIFO among <paramref name="fifos"/> is then released by opening the FIFO for writing, so the test ends.
    /// Whatever the action throws (a failed assertion included) is thrown again here, so it is never lost.
    /// </summary>
    public static void Within(double seconds, Action action, params string[] fifos)
    {
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? thrown = null;
        var worker = new Thread(() => { try { action(); } catch (Exception e) { thrown = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e); } }) { IsBackground = true };
        worker.Start();
        if (!worker.Join(TimeSpan.FromSeconds(seconds)))
        {
            foreach (var fifo in fifos.Where(File.Exists)) try { using var _ = new FileStream(fifo, FileMode.Open, FileAccess.Write); } catch { }
            Assert.Fail($"still running after {seconds} s: it hangs (or reads without end)");
        }
        thrown?.Throw();
    }
}

/// <summary>A tmpfs of a few pages mounted on a temporary folder (needs root with CAP_SYS_ADMIN); null where that is not allowed.</summary>
public sealed class TinyDisk : IDisposable
{
    public string Path { get; }

    private TinyDisk(string path) => Path = path;

    public static TinyDisk? TryMount(string options)
    {
        string path = Directory.CreateTempSubdirectory("fromscratch-tinydisk-").FullName;
        try
        {
            SpecialFiles.Run("mount", "-t", "tmpfs", "-o", options, "tmpfs", path);
            return new TinyDisk(path);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            Directory.Delete(path);
            return null;
        }
    }

    public void Dispose()
    {
        try { SpecialFiles.Run("umount", "-l", Path); Directory.Delete(Path); } catch { }
    }
}
