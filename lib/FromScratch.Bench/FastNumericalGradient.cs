using FromScratch.Fast;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Bench;

/// <summary>
/// <see cref="TwoLayerNet{T}.NumericalGradient"/> for float64 on the fast engine, for the bench's numerical-gradient row: the
/// tutorial's algorithm unchanged — for every parameter, (L(p + h) − L(p − h)) / 2h with h = 1e-4, each L a whole loss over
/// the whole batch, evaluated as a black box (by the engine's <see cref="NumericalLoss"/>).
/// </summary>
/// <remarks>
/// The parameters are shared out over all cores, each core perturbing its own copy of the network. It lives with the bench,
/// not in what learners load; the engine keeps the (unsafe) evaluation of the loss.
/// </remarks>
internal static class FastNumericalGradient
{
    /// <summary>The numerical gradient of <c>net.Loss(x, t)</c> for W1, b1, W2 and b2 (same keys and shapes as the readable one).</summary>
    public static Dictionary<string, Matrix<double>> Compute(TwoLayerNet<double> net, Matrix<double> x, Matrix<double> t)
    {
        ArgumentNullException.ThrowIfNull(net);
        net.Loss(x, t);   // the readable loss checks the shapes of x and t and names them
        var batch = NumericalLoss.Batch.From(x, t, NumericalLoss.Evaluator.PaddedHidden(net.HiddenSize));
        var names = TwoLayerNet<double>.ParamNames;
        var sizes = names.Select(n => net.Params[n].RowCount * net.Params[n].ColumnCount).ToArray();
        int total = sizes.Sum();
        var grad = new double[total];
        const int Chunk = 32;
        Parallel.For(0, (total + Chunk - 1) / Chunk,
            () => new NumericalLoss.Evaluator(net, batch),
            (chunk, _, eval) =>
            {
                for (int g = chunk * Chunk, end = Math.Min(total, g + Chunk); g < end; g++) grad[g] = eval.CentralDifference(g);
                return eval;
            },
            _ => { });
        var result = new Dictionary<string, Matrix<double>>();
        int offset = 0;
        for (int p = 0; p < names.Count; p++)
        {
            var m = net.Params[names[p]];
            int rows = m.RowCount, at = offset;   // the flat index runs column by column, as Functions.NumericalGradient does
            result[names[p]] = Matrix<double>.Build.Dense(rows, m.ColumnCount, (r, c) => grad[at + c * rows + r]);
            offset += sizes[p];
        }
        return result;
    }
}
