namespace FromScratch.Data;

/// <summary>A dataset file is missing, damaged or of the wrong kind, or could not be acquired. The message names the file and what is wrong.</summary>
public sealed class DatasetException : Exception
{
    /// <summary>The file at fault, when there is one.</summary>
    public string? FilePath { get; }

    /// <summary>A dataset error with its message, the file at fault if any, and the underlying error if any.</summary>
    public DatasetException(string message, string? filePath = null, Exception? inner = null) : base(message, inner)
        => FilePath = filePath;
}
