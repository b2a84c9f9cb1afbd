namespace FromScratch;

/// <summary>Finds this repository's root folder: the nearest folder that holds <c>FromScratch.slnx</c>.</summary>
/// <remarks>The one place that knows how the runner, the data folder, the notebook setup, the benchmark and the tests find the repository.</remarks>
internal static class RepositoryRoot
{
    /// <summary>The file that marks the root.</summary>
    public const string Marker = "FromScratch.slnx";

    /// <summary>The nearest folder at or above <paramref name="start"/> that holds <see cref="Marker"/>, or <see langword="null"/>.</summary>
    public static string? Above(string? start)
    {
        for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, Marker))) return dir.FullName;
        return null;
    }

    /// <summary>
    /// The root above the working directory, else above the running program, else above this library; <see langword="null"/> if none.
    /// </summary>
    public static string? Find()
        => Above(Environment.CurrentDirectory) ?? Above(AppContext.BaseDirectory)
           ?? Above(Path.GetDirectoryName(typeof(RepositoryRoot).Assembly.Location));

    /// <summary><see cref="Find"/>, or an <see cref="InvalidOperationException"/> that says where it looked.</summary>
    public static string Require()
        => Find() ?? throw new InvalidOperationException(
            $"{Marker} not found above the working directory {Environment.CurrentDirectory} or above {AppContext.BaseDirectory}; run this from inside the repository.");
}
