using System.Text.Json.Nodes;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Tests;

/// <summary>
/// The golden values of bench/reference/golden/chapter6.json, written once by bench/reference/chapter6_golden.py (numpy, float64)
/// and committed, so these tests need no Python.
/// </summary>
internal static class Golden
{
    private static readonly Lazy<JsonNode> Root = new(() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Require(), "bench", "reference", "golden", "chapter6.json")))!);

    public static JsonNode Chapter6 => Root.Value;

    /// <summary>A matrix from a list of rows.</summary>
    public static Matrix<double> M(JsonNode? rows)
    {
        var list = rows!.AsArray();
        int r = list.Count, c = list[0]!.AsArray().Count;
        return Matrix<double>.Build.Dense(r, c, (i, j) => (double)list[i]![j]!);
    }

    /// <summary>max |a − b| / max(1, max |b|): the relative difference the golden tests hold to.</summary>
    public static double Difference(Matrix<double> a, Matrix<double> b)
    {
        Assert.Equal(b.Shape(), a.Shape());
        return (a - b).Enumerate().Max(Math.Abs) / Math.Max(1, b.Enumerate().Max(Math.Abs));
    }
}
