// Trains the tutorial's network on MNIST and prints the per-epoch accuracies, as the tutorial does.
// Usage: dotnet run --project lib/FromScratch.Train -c Release -- [--iterations N] [--batch N] [--lr X] [--hidden N] [--seed N]
using System.Globalization;
using FromScratch;
using FromScratch.Data;

var options = new TrainingOptions();
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    options = args[i] switch
    {
        "--iterations" => options with { Iterations = int.Parse(Next(), CultureInfo.InvariantCulture) },
        "--batch" => options with { BatchSize = int.Parse(Next(), CultureInfo.InvariantCulture) },
        "--lr" => options with { LearningRate = double.Parse(Next(), CultureInfo.InvariantCulture) },
        "--hidden" => options with { HiddenSize = int.Parse(Next(), CultureInfo.InvariantCulture) },
        "--seed" => options with { Seed = int.Parse(Next(), CultureInfo.InvariantCulture) },
        var other => throw new ArgumentException($"Unknown option {other}. Options: --iterations --batch --lr --hidden --seed"),
    };
}

var data = Mnist.Load(normalize: true, flatten: true, oneHotLabel: true);
var network = new TwoLayerNet<float>(inputSize: 784, hiddenSize: options.HiddenSize, outputSize: 10, options.WeightInitStd, options.Seed);
Console.WriteLine($"MNIST: train {data.Train.X.Shape()}, test {data.Test.X.Shape()}; {options}");
// On a terminal one progress line is rewritten in place under the tutorial's per-epoch lines; redirected, a line per epoch.
var progress = new TrainingProgress(options.Iterations);
_ = new ConsoleProgress(progress);
try
{
    var history = Trainer.Train(network, data, options, onEpoch: progress.OnEpoch, onStep: progress.OnStep);
    Console.WriteLine($"Trained {options.Iterations} iterations in {history.Elapsed.TotalSeconds:0.0} s; final loss {history.TrainLoss[^1]:0.####}.");
}
catch (TrainingDivergedException e)
{
    progress.Stop(e.Message);
    Console.Error.WriteLine(e.Message);
    return 1;
}
return 0;
