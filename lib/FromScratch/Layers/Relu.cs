using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Layers;

/// <summary>
/// The ReLU layer: out = max(0, x). Backward passes the gradient through where x was positive and stops it elsewhere,
/// so all it keeps is that mask.
/// </summary>
public sealed class Relu<T> : ILayer<T> where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
{
    private bool[]? mask;         // true where x ≤ 0, column by column
    private int rows, columns;

    /// <summary>max(0, x) (the same in training and inference).</summary>
    public Matrix<T> Forward(Matrix<T> x, bool train) => Forward(x);

    /// <summary>max(0, x) of every element, same shape as x.</summary>
    public Matrix<T> Forward(Matrix<T> x)
    {
        (rows, columns) = (x.RowCount, x.ColumnCount);
        T[] output = x.ToColumnMajorArray();          // a copy of x's numbers, column after column
        mask = new bool[output.Length];
        for (int i = 0; i < output.Length; i++)
            if (output[i] <= T.Zero) { mask[i] = true; output[i] = T.Zero; }
        return Matrix<T>.Build.Dense(rows, columns, output);
    }

    /// <summary>dx = dout where x &gt; 0, and 0 where x ≤ 0.</summary>
    public Matrix<T> Backward(Matrix<T> dout)
    {
        var m = mask ?? throw new InvalidOperationException("Relu.Backward was called before Forward.");
        if (dout.RowCount != rows || dout.ColumnCount != columns)
            throw new ArgumentException(
                $"Relu.Backward: dout must have shape ({rows}, {columns}) like the forward input; got {dout.Shape()}.", nameof(dout));
        T[] dx = dout.ToColumnMajorArray();
        for (int i = 0; i < dx.Length; i++)
            if (m[i]) dx[i] = T.Zero;
        return Matrix<T>.Build.Dense(rows, columns, dx);
    }
}
