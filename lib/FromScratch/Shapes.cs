using MathNet.Numerics.LinearAlgebra;

namespace FromScratch;

/// <summary>Shape formatting and the checks that turn a wrong shape into a clear message.</summary>
public static class Shapes
{
    /// <summary>The shape of a matrix as numpy prints it, e.g. <c>(784, 20)</c>.</summary>
    public static string Shape<T>(this Matrix<T> m) where T : struct, IEquatable<T>, IFormattable
        => $"({m.RowCount}, {m.ColumnCount})";

    /// <summary>The shape of a vector as numpy prints it, e.g. <c>(10,)</c>.</summary>
    public static string Shape<T>(this Vector<T> v) where T : struct, IEquatable<T>, IFormattable
        => $"({v.Count},)";

    internal static void RequireSame<T>(Matrix<T> a, Matrix<T> b, string aName, string bName, string where)
        where T : struct, IEquatable<T>, IFormattable
    {
        if (a.RowCount != b.RowCount || a.ColumnCount != b.ColumnCount)
            throw new ArgumentException(
                $"{where}: {aName} and {bName} must have the same shape; got {aName} {a.Shape()} and {bName} {b.Shape()}.", bName);
    }

    internal static void RequireColumns<T>(Matrix<T> m, int columns, string name, string where, string meaning)
        where T : struct, IEquatable<T>, IFormattable
    {
        if (m.ColumnCount != columns)
            throw new ArgumentException(
                $"{where}: {name} must have {columns} columns ({meaning}); got shape {m.Shape()}.", name);
        if (m.RowCount == 0)
            throw new ArgumentException($"{where}: {name} must have at least one row; got shape {m.Shape()}.", name);
    }

    /// <summary>
    /// The class index of each row of <paramref name="t"/>: one-hot (rows, classes) → the column of the largest value,
    /// labels (rows, 1) → the label, which must be a whole number 0..classes−1.
    /// </summary>
    internal static int[] AnswerIndices<T>(Matrix<T> t, Matrix<T> x, int classes, string where)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        if (t.RowCount != x.RowCount || (t.ColumnCount != classes && t.ColumnCount != 1))
            throw new ArgumentException(
                $"{where}: t must be one-hot ({x.RowCount}, {classes}) or labels ({x.RowCount}, 1) for x {x.Shape()}; got {t.Shape()}.", nameof(t));
        if (t.ColumnCount != 1 || classes == 1) return t.ArgMaxRows();
        var answers = new int[t.RowCount];
        for (int r = 0; r < answers.Length; r++)
        {
            T v = t[r, 0];
            if (!T.IsInteger(v) || v < T.Zero || v >= T.CreateChecked(classes))
                throw new ArgumentException($"{where}: t[{r}, 0] = {v} is not a label; labels are whole numbers 0..{classes - 1}.", nameof(t));
            answers[r] = int.CreateChecked(v);
        }
        return answers;
    }
}
