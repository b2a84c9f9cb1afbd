namespace FromScratch.Runner;

/// <summary>Writes a file as a whole or not at all: to a temporary file in the same folder, then renamed over the target.</summary>
public static class AtomicFile
{
    /// <summary>The suffix of the temporary files; a run that was killed may leave one, and the next run removes it.</summary>
    public const string TempSuffix = ".fromscratch-tmp";

    public static void WriteAllText(string path, string text)
    {
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}{TempSuffix}");
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(text);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Removes temporary files that killed writers left in <paramref name="directory"/>.</summary>
    public static void RemoveLeftovers(string directory)
    {
        if (!Directory.Exists(directory)) return;
        foreach (var f in Directory.EnumerateFiles(directory, "*" + TempSuffix))
        {
            try { File.Delete(f); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
