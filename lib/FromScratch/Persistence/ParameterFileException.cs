namespace FromScratch.Persistence;

/// <summary>
/// A parameter file could not be used: it is not a parameter file, is of an unknown version, is truncated or damaged,
/// or holds parameters of other names or shapes than the network. The message names the file and what is wrong.
/// </summary>
public sealed class ParameterFileException(string message, string filePath, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The file at fault.</summary>
    public string FilePath { get; } = filePath;
}
