// The benchmark (issue 11): the tutorial's training run on this machine against what a user would pick instead, in one run —
// numpy on OpenBLAS, PyTorch float32 running the same loop, and the machine's FMA floor — plus a scaling table.
//   dotnet run --project lib/FromScratch.Bench -c Release              full run
//   dotnet run --project lib/FromScratch.Bench -c Release -- --quick   smoke test
//   dotnet run --project lib/FromScratch.Bench -c Release -- --help    options
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using FromScratch;
using FromScratch.Bench;
using FromScratch.Cli;
using FromScratch.Data;
using FromScratch.Fast;
using MathNet.Numerics.LinearAlgebra;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

return CliApp.Run(BenchOptions.Command(), args, parse => Bench(BenchOptions.Read(parse)),
    KnownError.Of<DatasetException>(1), KnownError.Of<TrainingDivergedException>(1));

// The whole run; returns the exit code.
int Bench(BenchOptions o)
{
    string repo = RepositoryRoot.Require();
    string dataDir = DataDirectory.Resolve();
    int numgradBatch = o.Quick ? 10 : 100;
    if (o.Numpy || o.Torch) Console.WriteLine(PythonReference.Setup(repo, o.Install, Console.Out));
    Console.WriteLine($"FromScratch.Bench — {(o.Quick ? "quick" : "full")} run: 784-20-10, {o.Iterations} iterations, batch 100, lr 0.1, seed {o.Seed}");
    Console.WriteLine($"Machine: {Machine.Cpu()}, {Environment.ProcessorCount} logical cores, {Machine.Isa()}; {RuntimeInformation.OSDescription}");
    Console.WriteLine($".NET {Environment.Version}; fast kernels: {Simd.Description}; load average at start {Machine.LoadAverage()}");
    Console.WriteLine($"SIMD width of this run: {Machine.Width()}");

    // ---- the FMA floor, first, on an idle process
    var fma = FmaProbe.Measure();
    Console.WriteLine($"FMA probe (float32, Vector{fma.Bits}, {fma.Threads} threads): {fma.GflopsAllCores:0} GFLOP/s on all cores, {fma.GflopsOneCore:0} on one (best of 5){(fma.Capped ? $"; every all-core round came out above {fma.Threads} × one core × 1.1, impossible: capped at {fma.Threads} × one core" : "")}{(fma.Unscaled ? $"; the all-core rounds reached only {fma.GflopsAllCores / fma.GflopsOneCore:0.00}× one core (other work had the cores): the floor is not trusted" : "")}");

    // ---- MNIST load: the loader verifies the SHA-256 of the four files each time
    const int LoadRepeats = 8;   // loads timed after the first, here and in the numpy reference
    var clock = Stopwatch.StartNew();
    var data = Mnist.Load(normalize: true, flatten: true, oneHotLabel: true, dataDirectory: dataDir, log: TextWriter.Null);
    double firstLoad = clock.Elapsed.TotalSeconds, load = double.MaxValue, firstRepeat = 0;
    // then LoadRepeats more, each replacing the one before, as a learner who runs the load cell again: the first of them
    // still finds the heap as the first load left it, later ones find the memory of the loads before
    for (int k = 0; k < LoadRepeats; k++)
    {
        clock.Restart();
        data = Mnist.Load(normalize: true, flatten: true, oneHotLabel: true, dataDirectory: dataDir, log: TextWriter.Null);
        if (k == 0) firstRepeat = clock.Elapsed.TotalSeconds;
        load = Math.Min(load, clock.Elapsed.TotalSeconds);
    }
    // what a verified load cannot go below: the SHA-256 of the four files, one after another on one core (best of 3)
    double hashing = double.MaxValue;
    var files = Mnist.Download(dataDir, TextWriter.Null);
    for (int k = 0; k < 3; k++)
    {
        clock.Restart();
        for (int f = 0; f < files.Count; f++) DatasetStore.Verify(files[f], Mnist.Spec.Files[f]);
        hashing = Math.Min(hashing, clock.Elapsed.TotalSeconds);
    }
    Console.WriteLine($"MNIST load: first {firstLoad:0.000} s, then {firstRepeat:0.000} s, best of {LoadRepeats} more {load:0.000} s; SHA-256 of the four files alone {hashing:0.000} s");

    var options = new TrainingOptions(Iterations: o.Iterations, Seed: o.Seed);
    double flops = Work.TrainingFlops(o.Iterations, 100, 20, data.Train.Count, data.Test.Count);
    double floor = fma.FloorSeconds(flops);   // measured again after the fast runs
    Console.WriteLine($"Dense work of the run: {flops / 1e9:0.0} GFLOP; FMA floor on all cores {floor:0.00} s");

    var cells = o.Scaling ? new[] { (20, 100), (100, 100), (500, 100), (20, 1000), (100, 1000), (500, 1000) } : [];
    string gridArgument = PythonReference.Grid(cells);
    string examples = o.ScalingExamples.ToString(CultureInfo.InvariantCulture);

    // ---- numpy, then torch: subprocesses, each on a machine the other runs have left idle
    NumpyResult? np = null;
    string numpyNote = o.Numpy ? PythonReference.Missing(repo, "numpy") ?? "" : "skipped (--no-numpy)";
    if (numpyNote.Length == 0)
    {
        Console.WriteLine("numpy: running bench/reference/two_layer_net.py …");
        var args2 = new List<string> { "--data", Path.Combine(dataDir, "mnist"), "--iterations", o.Iterations.ToString(CultureInfo.InvariantCulture), "--seed", o.Seed.ToString(CultureInfo.InvariantCulture) };
        args2.AddRange(["--load-repeats", LoadRepeats.ToString(CultureInfo.InvariantCulture)]);
        if (o.Numgrad) args2.AddRange(["--numgrad-batch", numgradBatch.ToString(CultureInfo.InvariantCulture)]); else args2.Add("--skip-numgrad");
        if (cells.Length > 0) args2.AddRange(["--grid", gridArgument, "--grid-examples", examples]);
        var (json, error) = PythonReference.Run(repo, "two_layer_net.py", args2);
        if (json is { } j) { np = PythonReference.ReadNumpy(j); numpyNote = $"numpy {np.Version}, BLAS {np.Libraries}"; }
        else numpyNote = error;
        Console.WriteLine(np is null ? $"numpy: {numpyNote}" : $"numpy: {np.TrainSeconds:0.00} s ({np.Blas})");
    }
    TorchResult? torch = null;
    string torchNote = o.Torch ? PythonReference.Missing(repo, "torch") ?? "" : "skipped (--no-torch)";
    if (torchNote.Length == 0)
    {
        Console.WriteLine("torch: running bench/reference/two_layer_net_torch.py with 1 and 2 threads …");
        var args3 = new List<string> { "--data", Path.Combine(dataDir, "mnist"), "--iterations", o.Iterations.ToString(CultureInfo.InvariantCulture), "--seed", o.Seed.ToString(CultureInfo.InvariantCulture), "--threads", "1,2" };
        if (cells.Length > 0) args3.AddRange(["--grid", gridArgument, "--grid-examples", examples]);
        var (json, error) = PythonReference.Run(repo, "two_layer_net_torch.py", args3);
        if (json is { } j) torch = PythonReference.ReadTorch(j); else torchNote = error;
        Console.WriteLine(torch is null ? $"torch: {torchNote}" : $"torch: {string.Join(", ", torch.Runs.Select(r => $"{r.Threads} thread(s) {r.Seconds:0.00} s"))}");
    }

    // ---- the C# paths
    var fast = Train("fast", (net, d, opt) => FastTrainer.Train(net, d, opt), options, runs: 3);
    // the fast path on one thread: its CPU time is the engine's own work, which another process on the machine cannot stretch
    // (it waits for no other core), against the one-core floor
    double oneCoreCpu = double.MaxValue;
    FastTwoLayerNet.OneThread = true;
    try
    {
        for (int k = 0; k < 3; k++)
        {
            var net = new TwoLayerNet<float>(784, 20, 10, options.WeightInitStd, o.Seed);
            GC.Collect();
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            FastTrainer.Train(net, data, options);
            oneCoreCpu = Math.Min(oneCoreCpu, (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds);
        }
    }
    finally { FastTwoLayerNet.OneThread = false; }
    Console.WriteLine($"fast path on one thread: {oneCoreCpu:0.00} s of CPU (best of 3)");
    // what every fast run includes besides the steps: the conversion to sparse rows and the self-check (best of 3 each)
    double prepare = double.MaxValue, check = double.MaxValue;
    for (int k = 0; k < 3; k++)
    {
        clock.Restart();
        var (sparseTrain, _) = FastTrainer.Prepare(data, 10);
        prepare = Math.Min(prepare, clock.Elapsed.TotalSeconds);
        var probeNet = new TwoLayerNet<float>(784, 20, 10, 0.01, o.Seed);
        clock.Restart();
        SelfCheck.Run(probeNet, data, sparseTrain);
        check = Math.Min(check, clock.Elapsed.TotalSeconds);
    }
    Console.WriteLine($"fast path's fixed costs: conversion to sparse rows {prepare:0.000} s, self-check {check:0.000} s (best of 3; part of every fast time)");
    // the floor again, next to the fast runs it is compared with: the better trusted probe counts
    var fma2 = FmaProbe.Measure();
    Console.WriteLine($"FMA probe again: {fma2.GflopsAllCores:0} GFLOP/s on all cores, {fma2.GflopsOneCore:0} on one{(fma2.Capped || fma2.Unscaled ? " (not trusted)" : "")}");
    var probes = $"{fma.GflopsAllCores:0} and {fma2.GflopsAllCores:0}";
    fma = FmaProbe.Best(fma, fma2);
    floor = fma.FloorSeconds(flops);
    FastProvider.Use();
    var readable = Train("readable", (net, d, opt) => Trainer.Train(net, d, opt), options, runs: 3);

    // ---- numpy and torch twice more (training only, torch at its better thread count), after the C# runs: every training
    // row is the best of three runs, spread over the whole bench
    for (int round = 0; round < 2; round++) PeersAgain();
    (double Seconds, double Cpu, double Test)? managed = null;
    if (o.WithManaged)
    {
        FastProvider.UseManaged();
        managed = Train("readable, MathNet managed provider", (net, d, opt) => Trainer.Train(net, d, opt), options, runs: 1);
        FastProvider.Use();
    }

    // ---- numerical gradient, float64, all 15,910 parameters
    double? readableNumgrad = null, fastNumgrad = null;
    if (o.Numgrad)
    {
        var net = new TwoLayerNet<double>(784, 20, 10, 0.01, o.Seed);
        var x = Matrix<double>.Build.Dense(numgradBatch, 784, (r, c) => data.Train.X[r, c]);
        var t = Matrix<double>.Build.Dense(numgradBatch, 10, (r, c) => data.Train.T[r, c]);
        FastNumericalGradient.Compute(net, x.SubMatrix(0, 1, 0, 784), t.SubMatrix(0, 1, 0, 10));   // warm up
        clock.Restart();
        FastNumericalGradient.Compute(net, x, t);
        fastNumgrad = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"numerical gradient, fast: {fastNumgrad:0.00} s");
        if (!o.Quick || o.WithManaged)
        {
            clock.Restart();
            net.NumericalGradient(x, t);
            readableNumgrad = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"numerical gradient, readable: {readableNumgrad:0.00} s");
        }
    }

    // ---- the scaling table: C# cells
    var csCells = new Dictionary<(int, int), (double Fast, double Readable)>();
    foreach (var (hidden, batch) in cells)
    {
        var cellOptions = new TrainingOptions(Iterations: Math.Max(1, o.ScalingExamples / batch), BatchSize: batch, HiddenSize: hidden, Seed: o.Seed);
        var f = Time(() => FastTrainer.Train(new TwoLayerNet<float>(784, hidden, 10, 0.01, o.Seed), data, cellOptions));
        var r = Time(() => Trainer.Train(new TwoLayerNet<float>(784, hidden, 10, 0.01, o.Seed), data, cellOptions));
        csCells[(hidden, batch)] = (f, r);
        Console.WriteLine($"scaling {hidden}×{batch}: fast {f:0.000} s, readable {r:0.000} s");
    }

    // ---- the tables
    string Numpy(double s) => np is null ? "—" : $"{np.TrainSeconds / s:0.0}×";
    string Torch(double s) => torch is null ? "—" : $"{torch.Best.Seconds / s:0.0}×";
    string Floor(double s) => $"{s / floor:0.00}×";
    var table = new StringBuilder();
    table.AppendLine("| Run | Training time (s) | CPU time (s) | GFLOP/s | × FMA floor | Final test accuracy | vs numpy | vs torch |");
    table.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
    void Row(string name, double s, double cpu, double test)
        => table.AppendLine($"| {name} | {F(s, "0.00")} | {F(cpu, "0.00")} | {F(flops / s / 1e9, "0.0")} | {Floor(s)} | {F(test, "0.0000")} | {Numpy(s)} | {Torch(s)} |");
    Row("fast path `FastTrainer.Train` (float32, sparse inputs, SIMD; best of 3 runs)", fast.Seconds, fast.Cpu, fast.Test);
    Row("readable `TwoLayerNet<float>` + `Trainer.Train`, MathNet with `FastProvider` (best of 3 runs)", readable.Seconds, readable.Cpu, readable.Test);
    if (managed is { } m) Row("readable, MathNet's default managed provider", m.Seconds, m.Cpu, m.Test);
    if (np is not null)
        Row($"numpy {np.Version} (float64, {np.Blas}; best of {np.TrainTimes.Count} runs){(np.ReferenceBlas ? " — **reference BLAS: an unfair baseline, install libopenblas0-pthread**" : "")}", np.TrainSeconds, np.TrainCpuSeconds, np.TestAccuracy);
    else table.AppendLine($"| numpy: {numpyNote} | — | — | — | — | — | — | — |");
    if (torch is not null)
        foreach (var (threads, s, cpu) in torch.Runs)
            Row($"PyTorch {torch.Version} float32, same loop, manual backprop, {threads} thread{(threads > 1 ? "s" : "")}{(torch.RunsPerThreads.GetValueOrDefault(threads, 1) > 1 ? $", best of {torch.RunsPerThreads[threads]} runs" : "")}{(threads == torch.Best.Threads ? " (best)" : "")}", s, cpu, threads == torch.Best.Threads ? torch.TestAccuracy : double.NaN);
    else table.AppendLine($"| PyTorch: {torchNote} | — | — | — | — | — | — | — |");
    table.AppendLine($"| FMA floor: {flops / 1e9:0.0} GFLOP at {fma.GflopsAllCores:0} GFLOP/s (Vector{fma.Bits} FMA chains on {fma.Threads} threads, best of 5 in each of two probes, {probes} GFLOP/s{(fma.Capped ? "; capped at threads × one core: the probe was disturbed" : "")}{(fma.Unscaled ? "; **not trusted**: the cores did not scale, the machine was busy" : "")}) | {floor:0.00} | | {fma.GflopsAllCores:0} | 1.00× | | | |");
    if (o.Numgrad)
    {
        string Ratio(double? s) => np?.NumgradSeconds is double n && s is double v ? $"{n / v:0.0}×" : "—";
        table.AppendLine($"| numerical gradient, float64, 15,910 params, batch {numgradBatch}: fast `FastNumericalGradient.Compute` | {F(fastNumgrad ?? double.NaN, "0.00")} | | | | | {Ratio(fastNumgrad)} | |");
        if (readableNumgrad is not null)
            table.AppendLine($"| numerical gradient, same: readable `TwoLayerNet<double>.NumericalGradient` + `FastProvider` | {F(readableNumgrad.Value, "0.00")} | | | | | {Ratio(readableNumgrad)} | |");
        table.AppendLine($"| numerical gradient, same: numpy | {F(np?.NumgradSeconds ?? double.NaN, "0.00")} | | | | | {(np?.NumgradSeconds is null ? "—" : "1.0×")} | |");
    }
    double oneCoreFloor = flops / (fma.GflopsOneCore * 1e9);
    table.AppendLine($"| fast path on one thread, CPU time (best of 3; the engine's own work, which other processes do not stretch) against the one-core floor {oneCoreFloor:0.00} s ({fma.GflopsOneCore:0} GFLOP/s) | {oneCoreCpu:0.00} | {oneCoreCpu:0.00} | | {oneCoreCpu / oneCoreFloor:0.00}× of one core | | | |");
    table.AppendLine($"| fast path's fixed costs, in every fast time: the conversion of both splits to sparse rows · the self-check against net.Loss and net.Gradient (best of 3) | {prepare:0.000} · {check:0.000} | | | | | | |");
    table.AppendLine($"| MNIST load from local files (`Mnist.Load`, SHA-256 verified): first in the process · then {LoadRepeats} more, each replacing the one before: the first of them · the best (the first repeats wait for fresh memory while the heap grows to hold the dataset being replaced and its replacement; later ones reuse the memory of the loads before) | {firstLoad:0.000} · {firstRepeat:0.000} · {load:0.000} | | | | | | |");
    if (np is not null)
        table.AppendLine($"| MNIST load, numpy reference (no verification): first in its fresh process{(np.LoadHugePages is int pages ? $" (the kernel gave it {pages} pages of 2 MiB)" : "")} · then {np.LoadRepeats} more: the first of them · the best | {np.LoadSeconds:0.000} · {F(np.LoadRepeatedFirstSeconds ?? double.NaN, "0.000")} · {F(np.LoadRepeatedSeconds ?? double.NaN, "0.000")} | | | | | | |");
    string? hostMemory = HostMemory.FreePageReporting();   // read once: the load row and the Machine line name it
    string reporting = hostMemory is { } reports
        ? $"; this machine {reports}, so a 2 MiB page that stayed free for a while comes back from the host at its first touch, which is why numpy's 2 MiB figures (and its first load) spread"
        : "";
    var (freshWhat, freshMs) = np?.FreshMemoryMs switch
    {
        { HugePagesWorst: double hw, WithoutWorst: double ww } fm =>
            ($" · numpy allocating and filling 188 MB of float32 (the training images) with its 2 MiB page advice, best · worst of 3 · without it, best · worst, ms{reporting}",
             $" · {fm.HugePages:0} · {hw:0} · {fm.Without:0} · {ww:0}"),
        { } fm => (" · numpy allocating and filling 188 MB of float32 (the training images) with its 2 MiB page advice · without it, ms", $" · {fm.HugePages:0} · {fm.Without:0}"),
        null => ("", ""),
    };
    table.AppendLine($"| what bounds a load: the SHA-256 of the four files on one core (`Mnist.Load` runs it on the second core while it reads, so a load into memory the heap already holds takes about this long, and one into fresh memory waits for its pages){freshWhat} | {hashing:0.000}{freshMs} | | | | | | |");

    var scaling = new StringBuilder();
    var scalingCells = new List<(int Hidden, int Batch, double Fast, double Floor, double? Torch)>();
    if (cells.Length > 0)
    {
        scaling.AppendLine($"Scaling: seconds for {o.ScalingExamples:N0} training examples per cell (iterations = examples / batch, one evaluation of both splits at iteration 0), 784-hidden-10. " +
            $" Every fast cell includes the fixed costs of the row above (conversion to sparse rows {prepare:0.000} s, self-check {check:0.000} s), which no cell's length amortises.");
        scaling.AppendLine();
        scaling.AppendLine("| hidden × batch | fast | readable | numpy | torch | FMA floor | fast × floor | fast vs numpy | fast vs torch | readable vs numpy |");
        scaling.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (hidden, batch) in cells)
        {
            var (f, r) = csCells[(hidden, batch)];
            double? n = np?.Grid.FirstOrDefault(c => c.Hidden == hidden && c.Batch == batch)?.Seconds;
            double? t = torch?.Grid.FirstOrDefault(c => c.Hidden == hidden && c.Batch == batch)?.Seconds;
            int iterations = Math.Max(1, o.ScalingExamples / batch);
            double cellFloor = fma.FloorSeconds(Work.TrainingFlops(iterations, batch, hidden, data.Train.Count, data.Test.Count));
            string R(double? a, double b) => a is double v ? $"{v / b:0.0}×" : "—";
            scalingCells.Add((hidden, batch, f, cellFloor, t));
            scaling.AppendLine($"| {hidden} × {batch} | {f:0.000} | {r:0.000} | {F(n ?? double.NaN, "0.000")} | {F(t ?? double.NaN, "0.000")} | {cellFloor:0.000} | {f / cellFloor:0.00}× | {R(n, f)} | {R(t, f)} | {R(n, r)} |");
        }
    }

    string anatomy = o.Quick ? "" : Anatomy.Measure(data, fma);   // where the fast path's time goes (issue 23)

    var targets = new StringBuilder();
    void Target(string what, bool? met, string measured)
        => targets.AppendLine($"- {(met is null ? "not measured" : met.Value ? "met" : "NOT met")}: {what} — {measured}");
    Target("fast path ≥ 10× numpy (OpenBLAS)", np is null || np.ReferenceBlas ? null : np.TrainSeconds / fast.Seconds >= 10, np is null ? numpyNote : $"{np.TrainSeconds / fast.Seconds:0.0}×{(np.ReferenceBlas ? " (reference BLAS: not a fair baseline)" : "")}");
    Target("fast path ≥ 6× PyTorch f32 (best of 1 and 2 threads)", torch is null ? null : torch.Best.Seconds / fast.Seconds >= 6, torch is null ? torchNote : $"{torch.Best.Seconds / fast.Seconds:0.0}×");
    Target("fast path within 1.5× of the dense FMA floor", fma.Unscaled ? null : fast.Seconds <= 1.5 * floor,
        $"{fast.Seconds / floor:0.00}× ({fast.Seconds:0.00} s vs {floor:0.00} s){(fma.Unscaled ? "; the probe's cores did not scale (busy machine), so the floor is not trusted: run again" : "")}");
    Target("fast path on one thread within 1.5× of the one-core floor (CPU time: what the engine needs, whatever the machine's load)", oneCoreCpu <= 1.5 * oneCoreFloor,
        $"{oneCoreCpu / oneCoreFloor:0.00}× ({oneCoreCpu:0.00} s vs {oneCoreFloor:0.00} s)");
    Target("readable `Trainer.Train` ≥ 1× numpy (issue 21; the old ≥ 3× is retired)", np is null || np.ReferenceBlas ? null : np.TrainSeconds / readable.Seconds >= 1, np is null ? numpyNote : $"{np.TrainSeconds / readable.Seconds:0.0}×");
    if (o.Numgrad)
        Target("numerical gradient ≥ 3× numpy", np?.NumgradSeconds is null || np.ReferenceBlas ? null : np.NumgradSeconds / fastNumgrad >= 3, np?.NumgradSeconds is double ng ? $"{ng / fastNumgrad:0.0}×" : "—");
    Target("MNIST load no slower than numpy's own load of the same files in this run: the first in a fresh process (what a notebook waits for)",
        np is null ? null : firstLoad <= np.LoadSeconds,
        np is null ? numpyNote : $"{firstLoad:0.000} s vs numpy {np.LoadSeconds:0.000} s ({np.LoadSeconds / firstLoad:0.0}×)");
    Target($"MNIST load no slower than numpy's own load: the best of {LoadRepeats} repeated loads in the same process, each replacing the one before",
        np?.LoadRepeatedSeconds is double npRepeated ? load <= npRepeated : null,
        np?.LoadRepeatedSeconds is double npr ? $"{load:0.000} s vs numpy {npr:0.000} s ({npr / load:0.0}×)" : np is null ? numpyNote : "the numpy reference did not time repeated loads");
    if (o.Chapter)
    {
        var chapter = Chapter.Time(repo);
        Console.WriteLine($"The next chapter (notebooks 09–13, the book's settings) in the main job: {chapter.Summary}");
        Target("the next chapter's notebooks (09–13) with the book's settings in the main job in under 3 minutes (issue 22)",
            chapter.Ok ? chapter.Seconds < 180 : null, chapter.Summary);
    }
    if (cells.Length > 0)
    {
        var worstFloor = scalingCells.MaxBy(c => c.Fast / c.Floor);
        Target("every scaling cell's fast time within 2× of its FMA floor", fma.Unscaled ? null : scalingCells.All(c => c.Fast <= 2 * c.Floor),
            string.Join(", ", scalingCells.Select(c => $"{c.Hidden}×{c.Batch} {c.Fast / c.Floor:0.00}×")));
        var withTorch = scalingCells.Where(c => c.Torch is not null).ToList();
        Target("every scaling cell's fast path ≥ 3× PyTorch", withTorch.Count == 0 ? null : withTorch.All(c => c.Torch!.Value / c.Fast >= 3),
            withTorch.Count == 0 ? torchNote : string.Join(", ", withTorch.Select(c => $"{c.Hidden}×{c.Batch} {c.Torch!.Value / c.Fast:0.0}×")));
    }

    Console.WriteLine();
    Console.WriteLine(table);
    if (scaling.Length > 0) Console.WriteLine(scaling);
    if (anatomy.Length > 0) Console.WriteLine(anatomy);
    Console.WriteLine("Targets (issues 11, 21, 22, 23), from this run:");
    Console.WriteLine(targets);
    Console.WriteLine($"numpy: {numpyNote}");
    if (o.Markdown is { } path)
    {
        var md = new StringBuilder();
        md.AppendLine($"Machine: {Machine.Cpu()}, {Environment.ProcessorCount} logical cores, {Machine.Isa()}; {RuntimeInformation.OSDescription}; .NET {Environment.Version}; fast kernels: {Simd.Description}{(hostMemory is { } vm ? $"; a virtual machine that {vm}" : "")}.");
        md.AppendLine($"SIMD width of this run: {Machine.Width()}.");
        md.AppendLine($"Run: {o.Iterations} iterations, seed {o.Seed}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; load average at the end {Machine.LoadAverage()} (1, 5, 15 min).");
        md.AppendLine().Append(table).AppendLine();
        if (scaling.Length > 0) md.Append(scaling).AppendLine();
        if (anatomy.Length > 0) md.Append(anatomy).AppendLine();
        md.AppendLine("Targets (issues 11, 21, 22, 23), from this run:").AppendLine().Append(targets).AppendLine().AppendLine($"numpy: {numpyNote}");
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, md.ToString());
        File.Move(temporary, path, overwrite: true);
    }
    return 0;

    // One more training run of numpy and of torch (at its better thread count); each row keeps its best run.
    void PeersAgain()
    {
        string[] common = ["--data", Path.Combine(dataDir, "mnist"), "--iterations", o.Iterations.ToString(CultureInfo.InvariantCulture), "--seed", o.Seed.ToString(CultureInfo.InvariantCulture)];
        if (np is not null)
        {
            var (json, error) = PythonReference.Run(repo, "two_layer_net.py", [.. common, "--skip-numgrad"]);
            if (json is { } j) { var run = PythonReference.ReadNumpy(j); np = np.WithRun(run.TrainSeconds, run.TrainCpuSeconds); }
            Console.WriteLine(json is null ? $"numpy again: {error}" : $"numpy again: {np.TrainTimes[^1]:0.00} s; best {np.TrainSeconds:0.00} s");
        }
        if (torch is not null)
        {
            int threads = torch.Best.Threads;
            var (json, error) = PythonReference.Run(repo, "two_layer_net_torch.py", [.. common, "--threads", threads.ToString(CultureInfo.InvariantCulture)]);
            if (json is { } j && PythonReference.ReadTorch(j).Runs is [var run]) torch = torch.WithRun(threads, run.Seconds, run.Cpu);
            Console.WriteLine(json is null ? $"torch again: {error}" : $"torch again ({threads} thread(s)): best {torch.Best.Seconds:0.00} s");
        }
    }

    // The best of `runs` whole training runs from fresh weights (the same seed, so the same numbers each time); the first
    // run of a path in the process includes compiling it, and is printed too.
    (double Seconds, double Cpu, double Test) Train(string name, Func<TwoLayerNet<float>, Dataset<float>, TrainingOptions, TrainingHistory> train, TrainingOptions opt, int runs)
    {
        (double Seconds, double Cpu, double Test) best = (double.PositiveInfinity, 0, 0);
        var times = new List<double>();
        for (int run = 0; run < runs; run++)
        {
            var net = new TwoLayerNet<float>(784, 20, 10, opt.WeightInitStd, o.Seed);
            GC.Collect();
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var history = train(net, data, opt);
            double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
            var last = history.Epochs[^1];
            times.Add(history.Elapsed.TotalSeconds);
            if (history.Elapsed.TotalSeconds < best.Seconds) best = (history.Elapsed.TotalSeconds, cpu, last.TestAccuracy);
            if (run == runs - 1)
                Console.WriteLine($"{name}: {best.Seconds:0.00} s (best of {runs}: {string.Join(", ", times.Select(t => t.ToString("0.00", CultureInfo.InvariantCulture)))} s); final train {last.TrainAccuracy:0.0000}, test {last.TestAccuracy:0.0000}, loss {history.TrainLoss[^1]:0.0000}");
        }
        return best;
    }
}

static double Time(Func<TrainingHistory> run)
{
    GC.Collect();
    return run().Elapsed.TotalSeconds;
}

static string F(double v, string format) => double.IsNaN(v) ? "—" : v.ToString(format, CultureInfo.InvariantCulture);

/// <summary>The dense floating-point work of a training run, for GFLOP/s and the FMA floor.</summary>
internal static class Work
{
    public static double TrainingFlops(int iterations, int batch, int hidden, int trainRows, int testRows, int inputs = 784, int outputs = 10)
    {
        double forward = 2.0 * batch * ((double)inputs * hidden + (double)hidden * outputs);        // x·W1, z1·W2
        double backward = 2.0 * batch * ((double)inputs * hidden + 2.0 * hidden * outputs);       // xᵀ·δ₁, dy·W2ᵀ, z1ᵀ·dy
        int perEpoch = Math.Max(1, trainRows / batch);
        int evaluations = (iterations - 1) / perEpoch + 1;
        return iterations * (2 * forward + backward) + evaluations * 2.0 * (trainRows + testRows) * ((double)inputs * hidden + (double)hidden * outputs);
    }
}

/// <summary>What the machine is: CPU model, SIMD ISA, load.</summary>
internal static class Machine
{
    public static string LoadAverage()
    {
        try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
    }

    public static string Cpu()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("model name", StringComparison.Ordinal)) return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    /// <summary>
    /// The width the kernels and the FMA probe ran at, and why: the CPU's widest, or narrower because the runtime's
    /// switches turned AVX-512 (or AVX2) off for this run (<c>DOTNET_EnableAVX512F=0</c> measures the 256-bit path on a machine with AVX-512).
    /// </summary>
    public static string Width()
    {
        string isa = Isa();
        string why = isa.Contains("AVX-512", StringComparison.Ordinal) && Simd.Bits < 512
            ? $"; the CPU has AVX-512, switched off for this run ({Switches()})"
            : isa.Contains("AVX2", StringComparison.Ordinal) && Simd.Bits < 256 ? $"; the CPU has AVX2, switched off for this run ({Switches()})" : "";
        return $"{Simd.Bits} bits ({Simd.Description}){why}";

        static string Switches()
        {
            var set = new[] { "DOTNET_EnableAVX512F", "DOTNET_EnableAVX512", "DOTNET_EnableAVX2", "FROMSCRATCH_MAX_SIMD_BITS", Simd.ForceVariable }
                .Where(v => Environment.GetEnvironmentVariable(v) is not null).Select(v => $"{v}={Environment.GetEnvironmentVariable(v)}").ToList();
            return set.Count == 0 ? "no switch set: the runtime chose it" : string.Join(" ", set);
        }
    }

    /// <summary>The SIMD extensions the CPU reports (/proc/cpuinfo), else what the runtime sees.</summary>
    public static string Isa()
    {
        var parts = new List<string>();
        try
        {
            var flags = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal))?.Split(' ').ToHashSet() ?? [];
            if (flags.Contains("avx512f")) parts.Add("AVX-512");
            if (flags.Contains("avx2")) parts.Add("AVX2");
            if (flags.Contains("fma")) parts.Add("FMA");
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        if (parts.Count == 0)
        {
            if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported) parts.Add("AVX-512");
            if (System.Runtime.Intrinsics.X86.Avx2.IsSupported) parts.Add("AVX2");
            if (System.Runtime.Intrinsics.X86.Fma.IsSupported) parts.Add("FMA");
            if (System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported) parts.Add("AdvSIMD");
        }
        return parts.Count == 0 ? "no SIMD extensions reported" : string.Join(" + ", parts);
    }
}

/// <summary>The next chapter's notebooks run by the main job's runner, timed as a whole (the runner is built first, untimed).</summary>
internal static class Chapter
{
    public static readonly string[] Notebooks =
        ["09-optimizers", "10-weight-init", "11-batch-norm", "12-regularization", "13-hyperparameter-search"];

    public sealed record Result(bool Ok, double Seconds, string Summary);

    public static Result Time(string repo)
    {
        var runner = Path.Combine(repo, "lib", "FromScratch.Runner");
        var build = Run(repo, ["build", runner, "-c", "Release", "--nologo", "-v", "q"]);
        if (build.Code != 0) return new(false, double.NaN, $"not measured: the runner did not build ({build.Tail})");
        var output = Directory.CreateTempSubdirectory("fromscratch-chapter-");
        try
        {
            var clock = Stopwatch.StartNew();
            var run = Run(repo, ["run", "--project", runner, "-c", "Release", "--no-build", "--",
                .. Notebooks.Select(n => Path.Combine(repo, "notebooks", n + ".ipynb")), "--out", output.FullName]);
            double seconds = clock.Elapsed.TotalSeconds;
            return run.Code == 0
                ? new(true, seconds, string.Create(CultureInfo.InvariantCulture, $"{seconds:0} s ({seconds / 60:0.0} min) wall, load average {Machine.LoadAverage()}"))
                : new(false, seconds, $"not measured: a notebook failed (exit {run.Code}: {run.Tail})");
        }
        finally { output.Delete(recursive: true); }
    }

    private static (int Code, string Tail) Run(string repo, IEnumerable<string> arguments)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = repo, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var lines = new Queue<string>();
        while (process.StandardOutput.ReadLine() is { } line) { lines.Enqueue(line); if (lines.Count > 3) lines.Dequeue(); }
        process.WaitForExit();
        return (process.ExitCode, string.Join(" / ", lines.Select(l => l.Trim())) + stderr.Result.Trim());
    }
}
