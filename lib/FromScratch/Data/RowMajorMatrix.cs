using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Storage;

namespace FromScratch.Data;

/// <summary>
/// How a dataset keeps its numbers: in numpy's order (C order, row-major), one example after another in one array.
/// </summary>
/// <remarks>
/// MathNet keeps a dense matrix column by column, so taking 100 rows of a (60000, 784) matrix — the tutorial's
/// <c>x_train[batch_mask]</c> — reads 78,400 numbers that lie 240 KB apart. numpy keeps x_train row by row: the same
/// minibatch is 100 runs of 784 neighbouring numbers. <see cref="Mnist.Load"/> gives its matrices numpy's layout:
/// <list type="bullet">
/// <item>the matrix is a view of one array, <c>data</c>, where element (i, j) is <c>data[i · columns + j]</c>;</item>
/// <item>every read and every write — the indexer, <c>Row</c>, <c>SetRow</c>, <c>MapInplace</c>, a <c>result:</c> argument —
/// goes to that array, so nothing can ever disagree with what the matrix holds: there is no second copy;</item>
/// <item>read column by column, the same array is the (columns, rows) matrix xᵀ, which MathNet does keep (a view, not a copy).
/// A product x·W is therefore (xᵀ)ᵀ·W, which MathNet hands to its provider as it does every dense product.</item>
/// </list>
/// Everything else MathNet does with such a matrix it does element by element through the indexer, as it does for any
/// matrix it has no faster code for. Results of operations (x + 1, x.SubMatrix(…), x.Clone()) are ordinary dense matrices.
/// </remarks>
internal static class RowMajorMatrix
{
    /// <summary>The (<paramref name="rows"/>, <paramref name="columns"/>) matrix over <paramref name="data"/>, row after row.</summary>
    public static Matrix<T> Create<T>(int rows, int columns, T[] data) where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(data);
        if ((long)rows * columns != data.Length)
            throw new ArgumentException($"A ({rows}, {columns}) matrix needs {(long)rows * columns} numbers; got {data.Length}.", nameof(data));
        if (data is float[] floats) return (Matrix<T>)(object)new RowMajorSingle(rows, columns, floats);
        if (data is double[] doubles) return (Matrix<T>)(object)new RowMajorDouble(rows, columns, doubles);
        return Matrix<T>.Build.DenseOfRowMajor(rows, columns, data);   // another element type: an ordinary (column-major) copy
    }

    /// <summary>The numbers of a matrix, row after row: element (i, j) is <c>Data[i · ColumnCount + j]</c>.</summary>
    internal sealed class Rows<T>(int rows, int columns, T[] data) : MatrixStorage<T>(rows, columns) where T : struct, IEquatable<T>, IFormattable
    {
        public readonly T[] Data = data;
        public override bool IsDense => true;
        public override bool IsFullyMutable => true;
        public override bool IsMutableAt(int row, int column) => true;
        public override T At(int row, int column) => Data[row * ColumnCount + column];
        public override void At(int row, int column, T value) => Data[row * ColumnCount + column] = value;
    }

    /// <summary>A float matrix over <see cref="Rows{T}"/>; its products go through xᵀ, the column-major view of the same array.</summary>
    private sealed class RowMajorSingle(int rows, int columns, float[] data)
        : MathNet.Numerics.LinearAlgebra.Single.Matrix(new Rows<float>(rows, columns, data))
    {
        private readonly Matrix<float> _transposed = Matrix<float>.Build.Dense(columns, rows, data);   // xᵀ: the same array

        protected override void DoMultiply(Matrix<float> other, Matrix<float> result) => _transposed.TransposeThisAndMultiply(other, result);   // x·B = (xᵀ)ᵀ·B
        protected override void DoTransposeThisAndMultiply(Matrix<float> other, Matrix<float> result) => _transposed.Multiply(other, result);  // xᵀ·B
        protected override void DoMultiply(Vector<float> rightSide, Vector<float> result) => _transposed.TransposeThisAndMultiply(rightSide, result);
    }

    /// <summary>A double matrix over <see cref="Rows{T}"/>; its products go through xᵀ, the column-major view of the same array.</summary>
    private sealed class RowMajorDouble(int rows, int columns, double[] data)
        : MathNet.Numerics.LinearAlgebra.Double.Matrix(new Rows<double>(rows, columns, data))
    {
        private readonly Matrix<double> _transposed = Matrix<double>.Build.Dense(columns, rows, data);   // xᵀ: the same array

        protected override void DoMultiply(Matrix<double> other, Matrix<double> result) => _transposed.TransposeThisAndMultiply(other, result);
        protected override void DoTransposeThisAndMultiply(Matrix<double> other, Matrix<double> result) => _transposed.Multiply(other, result);
        protected override void DoMultiply(Vector<double> rightSide, Vector<double> result) => _transposed.TransposeThisAndMultiply(rightSide, result);
    }
}
