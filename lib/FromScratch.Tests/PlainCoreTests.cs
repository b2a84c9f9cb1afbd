using System.Text.RegularExpressions;

namespace FromScratch.Tests;

/// <summary>
/// The files a learner opens are plain C# on MathNet, as plain as the book: speed lives in lib/FromScratch.Fast and in
/// MathNet's provider slot, never here. This test reads their source, so a cache, a thread or a SIMD type that slips into
/// them fails with the file, the line and what was found.
/// </summary>
public class PlainCoreTests
{
    /// <summary>What does not belong in the readable core, with why.</summary>
    private static readonly (string Pattern, string Why)[] Forbidden =
    [
        (@"\bUnsafe\b|\bunsafe\b|\bstackalloc\b|\bfixed\s*\(", "unsafe code"),
        (@"\bSpan<|\bMemoryMarshal\b|\bAsSpan\(", "span tricks"),
        (@"System\.Runtime\.Intrinsics|\bVector(64|128|256|512)\b|System\.Numerics\.Vector<|\bAvx\w*\.", "SIMD types"),
        (@"\bParallel\.|\bThread\b|\bTask\.|\bThreadPool\b|\bInterlocked\b", "threads"),
        (@"\[MethodImpl|\bAggressiveOptimization\b|\bSkipLocalsInit\b", "runtime attributes"),
        (@"(?<!^using MathNet\.Numerics\.LinearAlgebra)\.Storage\b|DenseColumnMajorMatrixStorage|AsColumnMajorArray|AsRowMajorArray", "branches on MathNet's storage"),
        (@"ConditionalWeakTable|\bLazy<|static\s+readonly\s+[\w<>, ]*Dictionary<", "caches"),
    ];

    /// <summary>The learner's files: everything in lib/FromScratch but the plumbing of data acquisition and persistence.</summary>
    public static IEnumerable<object[]> LearnerFiles()
    {
        var core = Path.Combine(RepositoryRoot.Require(), "lib", "FromScratch");
        return Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(core, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("bin/") && !f.StartsWith("obj/") && !f.StartsWith("Data/Acquisition/") && !f.StartsWith("Persistence/"))
            .Order(StringComparer.Ordinal)
            .Select(f => new object[] { f });
    }

    [Theory]
    [MemberData(nameof(LearnerFiles))]
    public void A_file_a_learner_opens_is_plain_code(string file)
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot.Require(), "lib", "FromScratch", file));
        var found = new List<string>();
        for (int i = 0; i < lines.Length; i++)
        {
            var code = Regex.Replace(lines[i], @"//.*$", "");               // comments may name what is not here
            foreach (var (pattern, why) in Forbidden)
                if (Regex.Match(code, pattern) is { Success: true } m) found.Add($"{file}:{i + 1}: {why} ({m.Value.Trim()})");
        }
        Assert.True(found.Count == 0, "the readable core must be plain code; move speed into lib/FromScratch.Fast:\n" + string.Join("\n", found));
    }

    [Theory]
    [InlineData("ref T column = ref Unsafe.Add(ref to, c * count);", "unsafe code")]
    [InlineData("var column = dense.Data.AsSpan(c * n, n);", "span tricks")]
    [InlineData("if (Vector256.IsHardwareAccelerated) x = Avx2.Add(a, b);", "SIMD types")]
    [InlineData("Parallel.For(0, blocks, block => Work(block));", "threads")]
    [InlineData("[MethodImpl(MethodImplOptions.AggressiveOptimization)]", "runtime attributes")]
    [InlineData("if (m.Storage is DenseColumnMajorMatrixStorage<T> dense)", "branches on MathNet's storage")]
    [InlineData("float[] data = m.Storage is DenseColumnMajorMatrixStorage<float> d ? d.Data : m.ToColumnMajorArray();", "branches on MathNet's storage")]
    [InlineData("var data = x.AsColumnMajorArray() ?? x.ToColumnMajorArray();", "branches on MathNet's storage")]
    [InlineData("public static readonly ConditionalWeakTable<Matrix<T>, T[]> Marked = new();", "caches")]
    public void Each_rule_catches_what_it_names(string line, string why)
    {   // the check above would pass vacuously if a pattern matched nothing
        Assert.Contains(Forbidden, f => f.Why == why && Regex.IsMatch(line, f.Pattern));
    }

    /// <summary>
    /// The dataset's layout (Data/RowMajorMatrix.cs) defines a storage, numpy's row-major order, which is not a branch on one:
    /// its <c>using</c> of MathNet's storage namespace passes, and nothing else that names a matrix's storage does.
    /// </summary>
    [Theory]
    [InlineData("using MathNet.Numerics.LinearAlgebra.Storage;", false)]
    [InlineData("internal sealed class Rows<T>(int rows, int columns, T[] data) : MatrixStorage<T>(rows, columns)", false)]
    [InlineData("if (x.Storage is Rows<T> rows) return rows.Data;", true)]
    public void Naming_the_storage_namespace_is_not_a_branch_on_storage(string line, bool caught)
    {
        Assert.Equal(caught, Forbidden.Any(f => Regex.IsMatch(line, f.Pattern)));
    }

    [Fact]
    public void Of_the_libraries_a_notebook_loads_only_the_engine_enables_unsafe_code()
    {   // (the runner and the test hosts declare native calls with LibraryImport, whose generated code needs the switch)
        bool Unsafe(string project) => File.ReadAllText(Path.Combine(RepositoryRoot.Require(), "lib", project, project + ".csproj"))
            .Contains("<AllowUnsafeBlocks>true</AllowUnsafeBlocks>");
        Assert.True(Unsafe("FromScratch.Fast"));
        Assert.False(Unsafe("FromScratch"));
        Assert.False(Unsafe("FromScratch.Charts"));
    }
}
