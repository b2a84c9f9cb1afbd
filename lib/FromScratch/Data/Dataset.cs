using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Data;

/// <summary>
/// One split of a dataset: <see cref="X"/> holds one image per row, <see cref="T"/> the answers (one-hot rows, or one
/// column of labels). Deconstructs as <c>var (x, t) = split;</c>.
/// </summary>
/// <remarks>
/// <para>With <c>flatten: false</c> the rows are the same 784 numbers, to be read as <see cref="ImageShape"/> = (1, 28, 28):
/// channel, row, column in row-major order; <see cref="Image"/> returns one image as a 28×28 matrix.</para>
/// <para>The matrices are the split's numbers: change one (a pixel, a row, <c>MapInplace</c>) and everything that reads the
/// split afterwards, minibatches included, sees the change. <see cref="Labels"/> and the raw images stay as the files had them.</para>
/// </remarks>
public sealed record DataSplit<TValue>(Matrix<TValue> X, Matrix<TValue> T) where TValue : struct, IEquatable<TValue>, IFormattable
{
    /// <summary>The inputs, one example per row.</summary>
    public Matrix<TValue> X { get; init; } = X ?? throw new ArgumentNullException(nameof(X));

    /// <summary>The answers: one-hot rows, or one column of labels.</summary>
    public Matrix<TValue> T { get; init; } = T ?? throw new ArgumentNullException(nameof(T));

    /// <summary>The raw IDX content: pixels 0..255, row-major, image after image.</summary>
    /// <remarks>Internal, so not <c>required</c> (C# allows that only on members as visible as the record); <see cref="Mnist"/> always sets it.</remarks>
    internal IdxImages RawImages { get; init; } = null!;

    /// <summary>The labels 0..9 as the label file has them (not updated when <see cref="T"/> is changed).</summary>
    public required byte[] Labels { get; init; }

    /// <summary>(1, 28, 28) when loaded with <c>flatten: false</c>, (784) otherwise.</summary>
    public required int[] ImageShape { get; init; }

    /// <summary>How many examples.</summary>
    public int Count => X.RowCount;

    /// <summary>Example <paramref name="index"/> as a rows×columns image matrix.</summary>
    public Matrix<TValue> Image(int index)
    {
        int rows = RawImages.Rows, cols = RawImages.Columns;
        return Matrix<TValue>.Build.Dense(rows, cols, (r, c) => X[index, r * cols + c]);
    }
}

/// <summary>A dataset's training and test splits; deconstructs as <c>var ((xTrain, tTrain), (xTest, tTest)) = data;</c>.</summary>
public sealed record Dataset<TValue>(DataSplit<TValue> Train, DataSplit<TValue> Test) where TValue : struct, IEquatable<TValue>, IFormattable
{
    /// <summary>The name of each class (the digits "0".."9" for MNIST).</summary>
    public required IReadOnlyList<string> ClassNames { get; init; }
}
