// Trains the tutorial's network on MNIST and prints the per-epoch accuracies, as the tutorial does.
// Usage: dotnet run --project lib/FromScratch.Train -c Release -- [--iterations N] [--batch N] [--lr X] [--hidden N] [--seed N] [--managed]
using System.CommandLine;
using FromScratch;
using FromScratch.Cli;
using FromScratch.Data;
using FromScratch.Fast;
using FromScratch.Persistence;

var defaults = new TrainingOptions();
var iterations = CliOption.Int("--iterations", "SGD steps (경사하강법 횟수)", defaults.Iterations, min: 1, max: 100_000_000);
var batch = CliOption.Int("--batch", "minibatch size (미니배치 크기)", defaults.BatchSize, min: 1, max: 60_000);
var lr = CliOption.Double("--lr", "learning rate (학습률)", defaults.LearningRate, min: 0, max: 10_000);
var hidden = CliOption.Int("--hidden", "hidden units (은닉층 크기)", defaults.HiddenSize, min: 1, max: 10_000);
var seed = CliOption.OptionalInt("--seed", "a number makes the run repeatable", min: 0, max: int.MaxValue);
var managed = new Option<bool>("--managed")
{
    Description = "MathNet's own managed provider for the matrix products, as MathNet comes (slower; the same numbers up to rounding). " +
                  "Without it, FastProvider does them, as in the notebooks.",
};
var command = new RootCommand("Trains the tutorial's two-layer network on MNIST with minibatch SGD and prints the train and test " +
    "accuracy every epoch (에폭). Exit code: 0 trained, 1 the training diverged or MNIST cannot be had, 2 bad arguments.")
{
    iterations, batch, lr, hidden, seed, managed,
};
command.SetAction(_ => 0);

return CliApp.Run(command, args, parse =>
{
    var options = defaults with
    {
        Iterations = parse.GetValue(iterations),
        BatchSize = parse.GetValue(batch),
        LearningRate = parse.GetValue(lr),
        HiddenSize = parse.GetValue(hidden),
        Seed = parse.GetValue(seed),
    };
    if (parse.GetValue(managed)) FastProvider.UseManaged(); else FastProvider.Use();
    var data = Mnist.Load(normalize: true, flatten: true, oneHotLabel: true);
    var network = new TwoLayerNet<float>(inputSize: 784, hiddenSize: options.HiddenSize, outputSize: 10, options.WeightInitStd, options.Seed);
    Console.WriteLine($"MNIST: train {data.Train.X.Shape()}, test {data.Test.X.Shape()}; {options}; matrix products: {MathNet.Numerics.Providers.LinearAlgebra.LinearAlgebraControl.Provider}");
    // On a terminal one progress line is rewritten in place under the tutorial's per-epoch lines; redirected, a line per epoch.
    var progress = new TrainingProgress(options.Iterations);
    _ = new ConsoleProgress(progress);
    try
    {
        var history = Trainer.Train(network, data, options, onEpoch: progress.OnEpoch, onStep: progress.OnStep);
        Console.WriteLine($"Trained {options.Iterations} iterations in {history.Elapsed.TotalSeconds:0.0} s; final loss {history.TrainLoss[^1]:0.####}.");
        return 0;
    }
    catch (TrainingDivergedException e)
    {
        progress.Stop(e.Message);
        throw;
    }
},
    KnownError.Of<TrainingDivergedException>(1), KnownError.Of<DatasetException>(1),
    KnownError.Of<ParameterFileException>(CliApp.BadInput), KnownError.Of<ArgumentException>(CliApp.BadInput));
