namespace FromScratch.Evaluation;

/// <summary>How well one class was recognised: of the <see cref="Total"/> examples whose answer is <see cref="Class"/>, <see cref="Correct"/> were predicted as it.</summary>
public sealed record ClassAccuracy(int Class, string Name, int Correct, int Total)
{
    /// <summary>Correct / Total; NaN when the class has no examples.</summary>
    public double Accuracy => Total == 0 ? double.NaN : (double)Correct / Total;

    /// <summary>"name: accuracy (correct/total)".</summary>
    public override string ToString() => $"{Name}: {Accuracy:0.0000} ({Correct}/{Total})";
}
