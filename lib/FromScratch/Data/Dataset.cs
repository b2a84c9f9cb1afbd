using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Data;

/// <summary>
/// One split of a dataset: <see cref="X"/> holds one image per row, <see cref="T"/> the answers (one-hot rows, or one
/// column of labels). Deconstructs as <c>var (x, t) = split;</c>.
/// </summary>
/// <remarks>
/// <para>With <c>flatten: false</c> the rows are the same 784 numbers, to be read as <see cref="ImageShape"/> = (1, 28, 28):
/// channel, row, column in row-major order; <see cref="Image"/> returns one image as a 28×28 matrix.</para>
/// <para><b>The one data-layout decision of the readable path.</b> Training reads <c>x[batch_mask]</c>
/// (<c>xTrain.SelectRows(batchMask)</c>) ten thousand times. MathNet stores a matrix column by column, so one image is 784
/// numbers spread over the whole (60000, 784) array. A split therefore marks its <see cref="X"/> and <see cref="T"/>
/// (<see cref="MatrixExtensions.KeepRowMajorCopy{T}(Matrix{T})"/>): the first <c>SelectRows</c> keeps a row-major copy (MNIST's loader hands over
/// the file's pixel bytes instead, one byte per number), and every minibatch after that is copied image by image, each in one piece. Same numbers, same batches. Treat a split's matrices as read-only:
/// to change the data, change a <c>Clone()</c> and build a new split from it. (A whole-matrix change in place, such as
/// <c>MapInplace</c>, is noticed by the next <c>SelectRows</c>, which then copies the new numbers; a change to a few numbers
/// may not be.)</para>
/// </remarks>
public sealed record DataSplit<TValue>(Matrix<TValue> X, Matrix<TValue> T) where TValue : struct, IEquatable<TValue>, IFormattable
{
    private readonly Matrix<TValue> x = Marked(X), t = Marked(T);

    /// <summary>The inputs, one example per row.</summary>
    public Matrix<TValue> X { get => x; init => x = Marked(value); }

    /// <summary>The answers: one-hot rows, or one column of labels.</summary>
    public Matrix<TValue> T { get => t; init => t = Marked(value); }

    private static Matrix<TValue> Marked(Matrix<TValue> m)
    {
        ArgumentNullException.ThrowIfNull(m);
        m.KeepRowMajorCopy();
        return m;
    }

    /// <summary>The raw IDX content: pixels 0..255, row-major, image after image.</summary>
    /// <remarks>Internal, so not <c>required</c> (C# allows that only on members as visible as the record); <see cref="Mnist"/> always sets it.</remarks>
    internal IdxImages RawImages { get; init; } = null!;

    /// <summary>The labels 0..9.</summary>
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
