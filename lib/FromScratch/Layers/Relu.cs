using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Layers;

/// <summary>
/// The ReLU layer: out = max(0, x). Backward passes the gradient through where x was positive and stops it elsewhere,
/// so all it keeps is that mask.
/// </summary>
public sealed class Relu<T> : ILayer<T> where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
{
    private bool[,]? mask;   // true where x ≤ 0

    /// <summary>max(0, x) (the same in training and inference).</summary>
    public Matrix<T> Forward(Matrix<T> x, bool train) => Forward(x);

    /// <summary>max(0, x) of every element, same shape as x.</summary>
    public Matrix<T> Forward(Matrix<T> x)
    {
        mask = new bool[x.RowCount, x.ColumnCount];
        var output = x.Clone();
        for (int c = 0; c < x.ColumnCount; c++)
            for (int r = 0; r < x.RowCount; r++)
                if (x[r, c] <= T.Zero) { mask[r, c] = true; output[r, c] = T.Zero; }
        return output;
    }

    /// <summary>dx = dout where x &gt; 0, and 0 where x ≤ 0.</summary>
    public Matrix<T> Backward(Matrix<T> dout)
    {
        var m = mask ?? throw new InvalidOperationException("Relu.Backward was called before Forward.");
        if (dout.RowCount != m.GetLength(0) || dout.ColumnCount != m.GetLength(1))
            throw new ArgumentException(
                $"Relu.Backward: dout must have shape ({m.GetLength(0)}, {m.GetLength(1)}) like the forward input; got {dout.Shape()}.", nameof(dout));
        var dx = dout.Clone();
        for (int c = 0; c < dx.ColumnCount; c++)
            for (int r = 0; r < dx.RowCount; r++)
                if (m[r, c]) dx[r, c] = T.Zero;
        return dx;
    }
}
