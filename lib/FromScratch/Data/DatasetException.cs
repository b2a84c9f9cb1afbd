namespace FromScratch.Data;

/// <summary>A dataset file is missing, damaged or of the wrong kind, or could not be acquired. The message names the file and what is wrong.</summary>
public sealed class DatasetException : Exception
{
    /// <summary>The file at fault, when there is one.</summary>
    public string? FilePath { get; }

    public DatasetException(string message, string? filePath = null, Exception? inner = null) : base(message, inner)
        => FilePath = filePath;
}
