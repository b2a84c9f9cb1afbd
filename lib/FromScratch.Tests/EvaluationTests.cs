using FromScratch.Evaluation;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Tests;

public class EvaluationTests
{
    //                                    0  0  0  0  1  1  1  2  2  2  2  2
    private static readonly int[] Actual =    [0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2];
    private static readonly int[] Predicted = [0, 0, 1, 2, 1, 1, 1, 2, 1, 1, 1, 0];

    [Fact]
    public void Counts_rows_are_actual_columns_are_predicted()
    {
        var cm = new ConfusionMatrix(Actual, Predicted, 3, ["cat", "dog", "fox"]);
        Assert.Equal(new int[,] { { 2, 1, 1 }, { 0, 3, 0 }, { 1, 3, 1 } }, cm.ToArray());
        Assert.Equal(3, cm[2, 1]);
        Assert.Equal(12, cm.Total);
        Assert.Equal(6, cm.Correct);
        Assert.Equal(0.5, cm.Accuracy);
        Assert.Equal(0.6, cm.RowFractions()[2, 1], 15);
    }

    [Fact]
    public void Per_class_accuracy_is_the_diagonal_over_the_row()
    {
        var cm = new ConfusionMatrix(Actual, Predicted, 4);   // class 3 never occurs
        var perClass = cm.PerClass;
        Assert.Equal(new ClassAccuracy(0, "0", 2, 4), perClass[0]);
        Assert.Equal(1.0, perClass[1].Accuracy);
        Assert.Equal(0.2, perClass[2].Accuracy, 15);
        Assert.True(double.IsNaN(perClass[3].Accuracy));
        Assert.Equal("2: 0.2000 (1/5)", perClass[2].ToString());
    }

    [Fact]
    public void Most_confused_pairs_come_largest_first_with_their_share_of_the_class()
    {
        var cm = new ConfusionMatrix(Actual, Predicted, 3, ["cat", "dog", "fox"]);
        var pairs = cm.MostConfused(10);
        Assert.Equal([(2, 1, 3), (0, 1, 1), (0, 2, 1), (2, 0, 1)], pairs.Select(p => (p.Actual, p.Predicted, p.Count)));  // no zero pairs
        Assert.Equal(new ConfusedPair(2, 1, "fox", "dog", 3, 0.6), pairs[0]);
        Assert.Equal("fox → dog: 3 (60.0% of fox)", pairs[0].ToString());
        Assert.Single(cm.MostConfused(1));
    }

    [Fact]
    public void The_table_shows_names_counts_and_accuracies()
    {
        string table = new ConfusionMatrix(Actual, Predicted, 3, ["cat", "dog", "fox"]).ToString();
        var lines = table.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Matches(@"^\s+cat\s+dog\s+fox\s+accuracy$", lines[1]);
        Assert.Matches(@"^fox\s+1\s+3\s+1\s+0\.2000$", lines[4]);
        Assert.Equal("accuracy 0.5000 (6/12)", lines[^1]);
    }

    [Fact]
    public void From_predictions_takes_the_largest_output_of_each_row()
    {
        var y = Matrix<double>.Build.DenseOfArray(new double[,] { { 0.7, 0.2, 0.1 }, { 0.1, 0.3, 0.6 }, { 0.2, 0.5, 0.3 } });
        var cm = ConfusionMatrix.FromPredictions(y, new byte[] { 0, 1, 1 });
        Assert.Equal(new int[,] { { 1, 0, 0 }, { 0, 1, 1 }, { 0, 0, 0 } }, cm.ToArray());
    }

    [Fact]
    public void Bad_input_names_the_value_and_index()
    {
        Assert.Contains("label 3 at index 1", Assert.Throws<ArgumentOutOfRangeException>(() => new ConfusionMatrix([0, 3], [0, 0], 3)).Message);
        Assert.Contains("predicted label -1 at index 0", Assert.Throws<ArgumentOutOfRangeException>(() => new ConfusionMatrix([0], [-1], 3)).Message);
        Assert.Contains("2 actual labels but 1 predicted", Assert.Throws<ArgumentException>(() => new ConfusionMatrix([0, 1], [0], 3)).Message);
        Assert.Contains("2 class names for 3 classes", Assert.Throws<ArgumentException>(() => new ConfusionMatrix([0], [0], 3, ["a", "b"])).Message);
        var y = Matrix<double>.Build.Dense(3, 2);
        Assert.Contains("2 labels for 3 output rows (3, 2)", Assert.Throws<ArgumentException>(() => ConfusionMatrix.FromPredictions(y, new byte[2])).Message);
    }

    [Fact]
    public void Most_confident_mistakes_are_the_wrong_rows_with_the_highest_probability()
    {
        var y = Matrix<double>.Build.DenseOfArray(new double[,]
        {
            { 0.90, 0.05, 0.05 },  // 0: right
            { 0.60, 0.30, 0.10 },  // 1: wrong, 0.60
            { 0.05, 0.05, 0.90 },  // 2: wrong, 0.90
            { 0.20, 0.70, 0.10 },  // 3: right
            { 0.10, 0.10, 0.80 },  // 4: wrong, 0.80
            { 0.10, 0.60, 0.30 },  // 5: wrong, 0.60 (tie with 1: index order)
        });
        byte[] labels = [0, 1, 0, 1, 1, 2];
        var mistakes = MostConfidentMistakes.Find(y, labels, 3, ["a", "b", "c"]);
        Assert.Equal([2, 4, 1], mistakes.Select(m => m.Index));
        Assert.Equal(0.9, mistakes[0].Confidence);
        Assert.Equal((0, 2, "a", "c"), (mistakes[0].Actual, mistakes[0].Predicted, mistakes[0].ActualName, mistakes[0].PredictedName));
        Assert.Equal([0.05, 0.05, 0.90], mistakes[0].Probabilities);
        Assert.Equal(0.05, mistakes[0].ActualProbability);
        Assert.Equal("#2: a taken for c (90.0%; a got 5.0%)", mistakes[0].ToString());
        Assert.Equal([2, 4, 1, 5], MostConfidentMistakes.Find(y, labels, 100).Select(m => m.Index));
        Assert.Empty(MostConfidentMistakes.Find(y, new[] { 0, 0, 2, 1, 2, 1 }));
        Assert.Contains("label 7 at index 0", Assert.Throws<ArgumentOutOfRangeException>(() => MostConfidentMistakes.Find(y, new[] { 7, 0, 0, 0, 0, 0 })).Message);
    }
}

[Collection("MNIST")]
public class EvaluationMnistTests(MnistFixture mnist)
{
    [Fact]
    public void On_the_MNIST_test_set_the_matrix_agrees_with_the_network_accuracy_and_the_labels()
    {
        var net = new TwoLayerNet<float>(784, 20, 10, weightInitStd: 0.05, seed: 4);
        var (xTest, tTest) = mnist.Data.Test;
        var y = net.Predict(xTest);
        var cm = ConfusionMatrix.FromPredictions(y, mnist.Data.Test.Labels, mnist.Data.ClassNames);
        Assert.Equal(10000, cm.Total);
        Assert.Equal(net.Accuracy(xTest, tTest), cm.Accuracy);
        for (int digit = 0; digit < 10; digit++)
            Assert.Equal(mnist.Data.Test.Labels.Count(l => l == digit), cm.PerClass[digit].Total);
        var mistakes = MostConfidentMistakes.Find(y, mnist.Data.Test.Labels, 5);
        Assert.Equal(5, mistakes.Count);
        Assert.All(mistakes, m => Assert.NotEqual(mnist.Data.Test.Labels[m.Index], (byte)m.Predicted));
        Assert.True(mistakes[0].Confidence >= mistakes[^1].Confidence);
    }
}
