namespace FromScratch.Evaluation;

/// <summary>
/// <see cref="Count"/> examples of class <see cref="Actual"/> were predicted as <see cref="Predicted"/>:
/// <see cref="FractionOfActual"/> of all the examples of <see cref="Actual"/>.
/// </summary>
public sealed record ConfusedPair(int Actual, int Predicted, string ActualName, string PredictedName, int Count, double FractionOfActual)
{
    /// <summary>"actual → predicted: count (share of actual)".</summary>
    public override string ToString() => $"{ActualName} → {PredictedName}: {Count} ({FractionOfActual:0.0%} of {ActualName})";
}
