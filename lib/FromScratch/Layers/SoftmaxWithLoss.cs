using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Layers;

/// <summary>
/// The output layer: softmax followed by the cross-entropy error against one-hot answers.
/// Together their backward pass is the simple (y − t) / batch.
/// </summary>
public sealed class SoftmaxWithLoss<T> where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
{
    /// <summary>The loss of the last <see cref="Forward"/>.</summary>
    public T Loss { get; private set; }

    /// <summary>The softmax output of the last <see cref="Forward"/>, shape (batch, classes); null before the first.</summary>
    public Matrix<T>? Y { get; private set; }

    /// <summary>The one-hot answers of the last <see cref="Forward"/>; null before the first.</summary>
    public Matrix<T>? Answers { get; private set; }

    /// <summary>
    /// The δ inside the log (1e-7 as in the tutorial). (y − t) / batch is the exact derivative of the loss with δ = 0;
    /// set 0 to compare with a numerical gradient to 1e-8 and beyond.
    /// </summary>
    public double LossDelta { get; set; } = Functions.CrossEntropyDelta;

    /// <summary>Softmax of the scores <paramref name="x"/> (batch, classes), then the cross-entropy error against <paramref name="t"/>.</summary>
    /// <param name="x">Scores of shape (batch, classes).</param>
    /// <param name="t">One-hot answers of the same shape as <paramref name="x"/>.</param>
    public T Forward(Matrix<T> x, Matrix<T> t)
    {
        Shapes.RequireSame(x, t, nameof(x), nameof(t), "SoftmaxWithLoss.Forward");
        Y = Functions.Softmax(x);
        Answers = t;
        Loss = Functions.CrossEntropyError(Y, t, LossDelta);
        return Loss;
    }

    /// <summary>dx = dout · (y − t) / batch, shape (batch, classes). <paramref name="dout"/> is ∂L/∂L = 1 for the loss itself.</summary>
    public Matrix<T> Backward(T dout)
    {
        var y = Y ?? throw new InvalidOperationException("SoftmaxWithLoss.Backward was called before Forward.");
        T batchSize = T.CreateChecked(y.RowCount);
        var dx = (y - Answers!) / batchSize;          // (batch, classes)
        return dout == T.One ? dx : dx * dout;
    }

    /// <summary>The backward pass of the loss itself, dout = 1.</summary>
    public Matrix<T> Backward() => Backward(T.One);
}
