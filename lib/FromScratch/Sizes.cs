using System.Globalization;

namespace FromScratch;

/// <summary>
/// Overflow-safe size checks: a matrix that could not be allocated is refused up front with how much it would need,
/// instead of an <see cref="OverflowException"/> or an out-of-memory crash somewhere inside MathNet.
/// </summary>
internal static class Sizes
{
    /// <summary>
    /// Why a (<paramref name="rows"/>, <paramref name="columns"/>) matrix of <typeparamref name="T"/> cannot be had, or null if it can:
    /// more numbers than one .NET array holds, or more bytes than this process can have (<paramref name="available"/>, by default
    /// what the GC reports).
    /// </summary>
    public static string? Problem<T>(long rows, long columns, string what, long? available = null)
        => Problem<T>(rows, columns, () => what, available);

    /// <inheritdoc cref="Problem{T}(long, long, string, long?)"/>
    /// <remarks>The description <paramref name="what"/> is built only when there is a problem to describe.</remarks>
    public static string? Problem<T>(long rows, long columns, Func<string> what, long? available = null)
    {
        long count = rows * columns;                     // both below 2³¹, so the product fits in a long
        long bytes = count * System.Runtime.InteropServices.Marshal.SizeOf<T>();
        string Need() => string.Create(CultureInfo.InvariantCulture,
            $"{what()} would be a ({rows}, {columns}) matrix of {count:N0} numbers ({bytes / (double)(1L << 30):0.0} GiB as {TypeName<T>()})");
        if (count > Array.MaxLength)
            return string.Create(CultureInfo.InvariantCulture, $"{Need()}; one .NET array holds at most {Array.MaxLength:N0}.");
        if (available is null && bytes <= 1L << 30) return null;   // up to 1 GiB: not worth asking the GC
        long limit = available ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (bytes > limit)
            return string.Create(CultureInfo.InvariantCulture, $"{Need()}; this process can have {limit / (double)(1L << 30):0.0} GiB.");
        return null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> with <see cref="Problem{T}(long, long, string, long?)"/>'s message when the matrix cannot be had.</summary>
    public static void RequireMatrix<T>(long rows, long columns, string what, string? paramName = null, long? available = null)
        => RequireMatrix<T>(rows, columns, () => what, paramName, available);

    /// <inheritdoc cref="RequireMatrix{T}(long, long, string, string?, long?)"/>
    public static void RequireMatrix<T>(long rows, long columns, Func<string> what, string? paramName = null, long? available = null)
    {
        if (Problem<T>(rows, columns, what, available) is string problem) throw new ArgumentException(problem, paramName);
    }

    /// <summary>"float" or "double" as C# spells them.</summary>
    public static string TypeName<T>() => typeof(T) == typeof(float) ? "float" : typeof(T) == typeof(double) ? "double" : typeof(T).Name;
}
