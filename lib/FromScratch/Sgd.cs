using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Storage;

namespace FromScratch;

/// <summary>Stochastic gradient descent (확률적 경사 하강법): W ← W − η·∂L/∂W.</summary>
public static class Sgd
{
    /// <summary>
    /// Updates every parameter in place. In MathNet <c>W - lr * dW</c> builds a new matrix, and anything that still
    /// holds the old one (a layer, a chart, a saved reference) would silently stop learning; this never replaces a matrix.
    /// </summary>
    public static void Update<T>(IDictionary<string, Matrix<T>> parameters, IReadOnlyDictionary<string, Matrix<T>> grads, T learningRate)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        if (!T.IsFinite(learningRate) || learningRate < T.Zero)
            throw new ArgumentOutOfRangeException(nameof(learningRate), $"The learning rate must be a finite number ≥ 0; got {learningRate}.");
        foreach (var (key, p) in parameters)
        {
            if (!grads.TryGetValue(key, out var g))
                throw new ArgumentException($"No gradient for parameter \"{key}\"; grads has [{string.Join(", ", grads.Keys)}].", nameof(grads));
            Shapes.RequireSame(p, g, key, $"grads[\"{key}\"]", "Sgd.Update");
            if (p.Storage is DenseColumnMajorMatrixStorage<T> pd && g.Storage is DenseColumnMajorMatrixStorage<T> gd)
            {
                // the same p − (lr·g), element by element on the arrays, without building lr·g as a new matrix
                var pv = pd.Data.AsSpan(0, p.RowCount * p.ColumnCount);
                var gv = gd.Data.AsSpan(0, pv.Length);
                int i = 0;
                if (System.Numerics.Vector.IsHardwareAccelerated && System.Numerics.Vector<T>.IsSupported)
                {   // whole SIMD vectors first: p ← p − lr·g on Vector<T>.Count numbers at once
                    var lr = new System.Numerics.Vector<T>(learningRate);
                    for (; i + System.Numerics.Vector<T>.Count <= pv.Length; i += System.Numerics.Vector<T>.Count)
                        (new System.Numerics.Vector<T>(pv[i..]) - lr * new System.Numerics.Vector<T>(gv[i..])).CopyTo(pv[i..]);
                }
                for (; i < pv.Length; i++) pv[i] -= learningRate * gv[i];
            }
            else p.Subtract(g.Multiply(learningRate), p);  // result written into p itself
        }
    }

    /// <inheritdoc cref="Update{T}(IDictionary{string, Matrix{T}}, IReadOnlyDictionary{string, Matrix{T}}, T)"/>
    public static void Update<T>(IDictionary<string, Matrix<T>> parameters, Dictionary<string, Matrix<T>> grads, T learningRate)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
        => Update(parameters, (IReadOnlyDictionary<string, Matrix<T>>)grads, learningRate);
}
