using System.Security.Cryptography;

namespace FromScratch.Data;

/// <summary>
/// Puts verified dataset files into a folder: keeps files already there when their SHA-256 matches, otherwise tries each
/// source in order. Every fetched file is written to a temporary file in the same folder, verified, then renamed into place,
/// so the folder never holds a partial or unverified file — also when two processes fill it at once.
/// </summary>
public static class DatasetStore
{
    /// <summary>Ensures that every file of <paramref name="files"/> is in <paramref name="directory"/> and verified.</summary>
    /// <returns>The full path of each file, in the order given.</returns>
    /// <exception cref="DatasetException">A file could be had from no source; the message lists every source and why it failed.</exception>
    public static IReadOnlyList<string> Ensure(string datasetName, string directory, IReadOnlyList<DatasetFile> files,
        IReadOnlyList<DataSource> sources, TextWriter? log = null, string? howToFix = null)
    {
        log ??= Console.Out;
        Directory.CreateDirectory(directory);
        RemoveAbandonedParts(directory, files);
        var paths = new List<string>();
        var unreachable = new Dictionary<DataSource, string>(); // sources that failed for a reason that will not change for the next file
        foreach (var file in files)
        {
            string path = Path.Combine(directory, file.Name);
            paths.Add(path);
            if (File.Exists(path))
            {
                string? problem = Verify(path, file);
                if (problem is null) continue;
                log.WriteLine($"{path} is damaged ({problem}); fetching it again.");
                TryDelete(path);
            }
            // A copy the user dropped in as .gz (as the mirrors serve it) comes first.
            var from = File.Exists(path + ".gz") ? [new LocalDirectorySource(directory, "already in the data folder"), .. sources] : sources;
            Acquire(datasetName, path, file, from, unreachable, log, howToFix);
        }
        return paths;
    }

    private static void Acquire(string datasetName, string path, DatasetFile file, IReadOnlyList<DataSource> sources,
        Dictionary<DataSource, string> unreachable, TextWriter log, string? howToFix)
    {
        var failures = new List<string>();
        foreach (var source in sources)
        {
            if (unreachable.TryGetValue(source, out var earlier))
            {
                failures.Add($"  - {source.Description}: {earlier}");
                continue;
            }
            string temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.part";
            try
            {
                using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                    source.Fetch(file, output, log);
                string? problem = Verify(temp, file);
                if (problem is not null) throw new InvalidDataException(problem);
                File.Move(temp, path, overwrite: true);
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                string why = e is AggregateException { InnerException: { } inner } ? inner.Message : e.Message;
                failures.Add($"  - {source.Description}: {why}");
                if (IsUnreachable(e)) unreachable[source] = why;
                log.WriteLine($"{file.Name}: {source.Description} failed ({why}); trying the next source.");
            }
            finally { TryDelete(temp); }
        }
        throw new DatasetException(
            $"Could not get {datasetName} file {file.Name} into {Path.GetDirectoryName(path)}. Tried:{Environment.NewLine}"
            + string.Join(Environment.NewLine, failures)
            + (howToFix is null ? "" : Environment.NewLine + howToFix), path);
    }

    /// <summary>
    /// Deletes the temporary files (<c>NAME.PID.GUID.part</c>) of downloads whose process no longer runs — left behind when a
    /// process was killed mid-download (a notebook kernel stopped or restarted). Those of running processes are left alone.
    /// </summary>
    private static void RemoveAbandonedParts(string directory, IReadOnlyList<DatasetFile> files)
    {
        foreach (var file in files)
            foreach (var part in Directory.EnumerateFiles(directory, file.Name + ".*.part"))
            {
                var fields = Path.GetFileName(part)[(file.Name.Length + 1)..].Split('.');
                if (fields.Length != 3 || !int.TryParse(fields[0], out int pid)) continue;
                if (!IsRunning(pid)) TryDelete(part);
            }
    }

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }          // no such process
        catch (InvalidOperationException) { return false; }
        catch (System.ComponentModel.Win32Exception) { return true; }  // exists, but not ours to inspect
    }

    // No connection, no DNS, no npm: trying the same source for the next file would fail the same way.
    private static bool IsUnreachable(Exception e) => e switch
    {
        HttpRequestException { StatusCode: null } => true,
        System.Net.Sockets.SocketException => true,
        TimeoutException => true,
        InvalidOperationException => true,
        _ => e.InnerException is { } inner && IsUnreachable(inner),
    };

    /// <summary>Null when <paramref name="path"/> has the expected length and SHA-256, else what is wrong.</summary>
    public static string? Verify(string path, DatasetFile file)
    {
        long length = new FileInfo(path).Length;
        if (length != file.Length) return $"{length} bytes, expected {file.Length}";
        string sha = Sha256(path);
        return string.Equals(sha, file.Sha256, StringComparison.OrdinalIgnoreCase) ? null : $"SHA-256 {sha}, expected {file.Sha256}";
    }

    /// <summary>The lowercase hex SHA-256 of a file.</summary>
    public static string Sha256(string path)
    {
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
