using MathNet.Numerics.LinearAlgebra;

namespace FromScratch;

/// <summary>Shape formatting and the checks that turn a wrong shape or value into a clear message.</summary>
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
    /// The class index of each row of <paramref name="t"/>: one-hot (rows, classes) → the column of its one 1,
    /// labels (rows, 1) → the label, which must be a whole number 0..classes−1.
    /// </summary>
    internal static int[] AnswerIndices<T>(Matrix<T> t, Matrix<T> x, int classes, string where, string tName = "t", string xName = "x")
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        if (t.RowCount != x.RowCount || (t.ColumnCount != classes && t.ColumnCount != 1))
            throw new ArgumentException(
                $"{where}: {tName} must be one-hot ({x.RowCount}, {classes}) or labels ({x.RowCount}, 1) for {xName} {x.Shape()}; got {t.Shape()}.", nameof(t));
        if (t.ColumnCount != 1 || classes == 1) return OneHotIndices(t, where, tName);
        var answers = new int[t.RowCount];
        for (int r = 0; r < answers.Length; r++)
        {
            T v = t[r, 0];
            if (!T.IsInteger(v) || v < T.Zero || v >= T.CreateChecked(classes))
                throw new ArgumentException($"{where}: {tName}[{r}, 0] = {v} is not a label; labels are whole numbers 0..{classes - 1}.", nameof(t));
            answers[r] = int.CreateChecked(v);
        }
        return answers;
    }

    /// <summary>Checks that <paramref name="t"/> is one-hot of shape (x rows, classes), as the loss and its gradient need.</summary>
    internal static void RequireOneHot<T>(Matrix<T> t, Matrix<T> x, int classes, string where)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        if (t.RowCount != x.RowCount || t.ColumnCount != classes)
            throw new ArgumentException(
                $"{where}: t must be one-hot of shape ({x.RowCount}, {classes}) to match x {x.Shape()}; got {t.Shape()}.", nameof(t));
        OneHotIndices(t, where, "t");
    }

    /// <summary>The column of the one 1 in each row; anything but exactly one 1 and zeros elsewhere is refused.</summary>
    private static int[] OneHotIndices<T>(Matrix<T> t, string where, string tName)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        string rule = $"{where}: {tName} must be one-hot (one 1 per row, the rest 0)";
        int rows = t.RowCount;
        var answers = new int[rows];
        var ones = new int[rows];
        for (int c = 0; c < t.ColumnCount; c++)
            for (int r = 0; r < rows; r++)
            {
                T v = t[r, c];
                if (v == T.One) { answers[r] = c; ones[r]++; }
                else if (v != T.Zero) throw new ArgumentException($"{rule}; {tName}[{r}, {c}] = {v}.", nameof(t));
            }
        for (int r = 0; r < ones.Length; r++)
            if (ones[r] != 1) throw new ArgumentException($"{rule}; row {r} has {ones[r]} ones.", nameof(t));
        return answers;
    }

    /// <summary>Refuses NaN and ±∞ in <paramref name="x"/>, naming the first such element by row and column.</summary>
    internal static void RequireFinite<T>(Matrix<T> x, string name, string where)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        if (FirstNonFinite(x) is { } bad)
            throw new ArgumentException($"{where}: {name}[{bad.Row}, {bad.Column}] is {x[bad.Row, bad.Column]}; the inputs must be finite numbers.", name);
    }

    /// <summary>Where the first NaN or ±∞ of <paramref name="x"/> is (column by column, MathNet's order), or null.</summary>
    private static (int Row, int Column)? FirstNonFinite<T>(Matrix<T> x)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
        => x.Find(v => !T.IsFinite(v)) is { } found ? (found.Item1, found.Item2) : null;

    /// <summary>
    /// <paramref name="value"/> as a <typeparamref name="T"/>: it must be finite and greater than 0 as a double, and stay so in
    /// <typeparamref name="T"/> (1e39 becomes ∞ and 1e-50 becomes 0 in float; both are refused with float's range).
    /// </summary>
    internal static T PositiveIn<T>(double value, string name)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        if (!double.IsFinite(value) || value <= 0)
            throw new ArgumentOutOfRangeException(name, $"{name} must be a finite number greater than 0; got {value}.");
        T v = T.CreateSaturating(value);
        T largest = T.BitDecrement(T.PositiveInfinity);
        if (!T.IsFinite(v) || v == T.Zero)
            throw new ArgumentOutOfRangeException(name,
                $"{name} must be a number {Sizes.TypeName<T>()} can hold, between {T.Epsilon} and {largest}; got {value}.");
        return v;
    }
}
