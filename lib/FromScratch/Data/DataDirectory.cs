namespace FromScratch.Data;

/// <summary>Where datasets are stored.</summary>
internal static class DataDirectory
{
    /// <summary>The environment variable that overrides the data folder.</summary>
    public const string EnvironmentVariable = "FROMSCRATCH_DATA";

    /// <summary>
    /// The data folder: <paramref name="explicitDirectory"/> if given, else <c>$FROMSCRATCH_DATA</c>, else the repository's
    /// <c>data/</c> folder (found by walking up from the working directory and from this library's location to
    /// <c>FromScratch.slnx</c>), else <c>~/.fromscratch/data</c>.
    /// </summary>
    public static string Resolve(string? explicitDirectory = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitDirectory)) return Path.GetFullPath(explicitDirectory);
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env)) return Path.GetFullPath(env);
        if (FromScratch.RepositoryRoot.Find() is { } root) return Path.Combine(root, "data");
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".fromscratch", "data");
    }
}
