using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Layers;

/// <summary>
/// The affine layer: out = x·W + b. It holds the network's own <see cref="W"/> and <see cref="b"/> matrices, not copies,
/// so an in-place update of the network's parameters (<see cref="Sgd.Update{T}(IDictionary{string, Matrix{T}}, Dictionary{string, Matrix{T}}, T)"/>)
/// is what this layer computes with next time. Replacing a parameter with a new matrix (<c>W = W - lr * dW</c>) detaches it.
/// </summary>
public sealed class Affine<T> : ILayerWithParams<T> where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
{
    private Matrix<T>? x;

    /// <summary>The weights, shape (in, out): the same matrix object as the network's parameter.</summary>
    public Matrix<T> W { get; }

    /// <summary>The bias, shape (1, out), broadcast over the batch: the same matrix object as the network's parameter.</summary>
    public Matrix<T> b { get; }

    /// <summary>∂L/∂W from the last <see cref="Backward"/>, shape (in, out); null before the first.</summary>
    public Matrix<T>? dW { get; private set; }

    /// <summary>∂L/∂b from the last <see cref="Backward"/>, shape (1, out); null before the first.</summary>
    public Matrix<T>? db { get; private set; }

    /// <param name="W">Weights of shape (in, out); kept by reference.</param>
    /// <param name="b">Bias of shape (1, out); kept by reference.</param>
    public Affine(Matrix<T> W, Matrix<T> b)
    {
        ArgumentNullException.ThrowIfNull(W);
        ArgumentNullException.ThrowIfNull(b);
        if (b.RowCount != 1 || b.ColumnCount != W.ColumnCount)
            throw new ArgumentException($"Affine: b must have shape (1, {W.ColumnCount}) to match W {W.Shape()}; got {b.Shape()}.", nameof(b));
        this.W = W;
        this.b = b;
    }

    /// <summary><c>W</c> and <c>b</c>, the network's own matrices.</summary>
    public IReadOnlyDictionary<string, Matrix<T>> Params => new Dictionary<string, Matrix<T>> { ["W"] = W, ["b"] = b };

    /// <summary><c>W</c> → <see cref="dW"/> and <c>b</c> → <see cref="db"/> after a backward pass; empty before.</summary>
    public IReadOnlyDictionary<string, Matrix<T>> Grads =>
        dW is null || db is null ? new Dictionary<string, Matrix<T>>() : new Dictionary<string, Matrix<T>> { ["W"] = dW, ["b"] = db };

    /// <summary>x·W + b (the same in training and inference).</summary>
    public Matrix<T> Forward(Matrix<T> x, bool train) => Forward(x);

    /// <summary>x·W + b, shape (batch, out). Remembers x for <see cref="Backward"/>.</summary>
    public Matrix<T> Forward(Matrix<T> x)
    {
        if (x.ColumnCount != W.RowCount)
            throw new ArgumentException($"Affine.Forward: x must have {W.RowCount} columns to multiply W {W.Shape()}; got {x.Shape()}.", nameof(x));
        this.x = x;
        var output = x * W;                          // (batch, in)·(in, out)
        output.AddRowInPlace(b);                     //   + (1, out)
        return output;
    }

    /// <summary>Sets <see cref="dW"/> = xᵀ·dout and <see cref="db"/> = Σ_batch dout; returns dx = dout·Wᵀ.</summary>
    public Matrix<T> Backward(Matrix<T> dout)
    {
        BackwardParameters(dout);
        return dout.TransposeAndMultiply(W);         // (batch, out)·(out, in)
    }

    /// <summary>
    /// <see cref="Backward"/> without dx: for the first layer, whose input is the data and needs no gradient
    /// (dx is a third of the work of a 784-input layer).
    /// </summary>
    internal void BackwardParameters(Matrix<T> dout)
    {
        var x = this.x ?? throw new InvalidOperationException("Affine.Backward was called before Forward.");
        if (dout.RowCount != x.RowCount || dout.ColumnCount != W.ColumnCount)
            throw new ArgumentException(
                $"Affine.Backward: dout must have shape ({x.RowCount}, {W.ColumnCount}) like the forward output; got {dout.Shape()}.", nameof(dout));
        dW = x.TransposeThisAndMultiply(dout);       // (in, batch)·(batch, out)
        db = dout.Sum(axis: 0);                      // (1, out)
    }
}
