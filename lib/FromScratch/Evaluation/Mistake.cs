namespace FromScratch.Evaluation;

/// <summary>
/// Example <see cref="Index"/> (a row of the evaluated set) is <see cref="Actual"/> but the network said <see cref="Predicted"/>,
/// with probability <see cref="Confidence"/>. <see cref="Probabilities"/> is the network's whole output row.
/// </summary>
public sealed record Mistake(int Index, int Actual, int Predicted, string ActualName, string PredictedName, double Confidence, IReadOnlyList<double> Probabilities)
{
    /// <summary>The probability the network gave the right answer.</summary>
    public double ActualProbability => Probabilities[Actual];

    /// <summary>"#index: actual taken for predicted (confidence; the actual class's probability)".</summary>
    public override string ToString() => $"#{Index}: {ActualName} taken for {PredictedName} ({Confidence:0.0%}; {ActualName} got {ActualProbability:0.0%})";
}
