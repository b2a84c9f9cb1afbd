// The benchmark of issue #4: the tutorial's training run three ways, side by side, in one invocation.
//   dotnet run --project lib/FromScratch.Bench -c Release            full run (10,000 iterations; numpy takes minutes here)
//   dotnet run --project lib/FromScratch.Bench -c Release -- --quick a smoke test (1,201 iterations, numerical gradient on 10 rows)
// Options: --iterations N  --seed N  --no-numpy  --skip-numgrad  --with-managed (also the readable loop on MathNet's own provider)
//          --markdown FILE (also write the table there)
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FromScratch;
using FromScratch.Data;
using FromScratch.Fast;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Providers.LinearAlgebra;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

bool quick = false, numpy = true, numgrad = true, withManaged = false;
int iterations = 10_000, seed = 42;
string? markdownPath = null;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--quick": quick = true; iterations = 1201; break;
        case "--iterations": iterations = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--seed": seed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--no-numpy": numpy = false; break;
        case "--skip-numgrad": numgrad = false; break;
        case "--with-managed": withManaged = true; break;
        case "--markdown": markdownPath = Next(); break;
        default:
            Console.Error.WriteLine($"Unknown option {args[i]}. Options: --quick --iterations N --seed N --no-numpy --skip-numgrad --with-managed --markdown FILE");
            return 2;
    }
}
int numgradBatch = quick ? 10 : 100;

string repo = FindRepository();
string dataDir = Path.Combine(repo, "data");
Console.WriteLine($"FromScratch.Bench — {(quick ? "quick" : "full")} run: 784-20-10, {iterations} iterations, batch 100, lr 0.1, seed {seed}");
Console.WriteLine($"Machine: {CpuModel()}, {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}");
Console.WriteLine($"Load average at start: {LoadAverage()}");
Console.WriteLine($".NET {Environment.Version}; SIMD used: {Simd.Description}; Vector512 {(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "on" : "off")}, Vector256 {(System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "on" : "off")}");
Console.WriteLine();

var rows = new List<Row>();

// ---- MNIST load: the loader verifies the SHA-256 of the four files each time
var clock = Stopwatch.StartNew();
var data = Mnist.Load(normalize: true, flatten: true, oneHotLabel: true, dataDirectory: dataDir, log: TextWriter.Null);
double firstLoad = clock.Elapsed.TotalSeconds;
double load = double.MaxValue;
for (int k = 0; k < 3; k++)
{
    clock.Restart();
    data = Mnist.Load(normalize: true, flatten: true, oneHotLabel: true, dataDirectory: dataDir, log: TextWriter.Null);
    load = Math.Min(load, clock.Elapsed.TotalSeconds);
}
double sha = double.MaxValue;
for (int k = 0; k < 3; k++)
{
    clock.Restart();
    foreach (var f in Mnist.Spec.Files) SHA256.HashData(File.ReadAllBytes(Path.Combine(dataDir, Mnist.Spec.Folder, f.Name)));
    sha = Math.Min(sha, clock.Elapsed.TotalSeconds);
}
Console.WriteLine($"MNIST load: {load:0.000} s (best of 3; first {firstLoad:0.000} s), of which reading + SHA-256 of the 4 files ≈ {sha:0.000} s");

var options = new TrainingOptions(Iterations: iterations, Seed: seed);
double flops = TrainingFlops(iterations, options.IterationsPerEpoch(data.Train.Count), 100, 784, 20, 10, data.Train.Count + data.Test.Count);
Console.WriteLine($"Dense work of the run: {flops / 1e9:0.0} GFLOP (GFLOP/s below = this / time; the fast path skips zero pixels, so its figure is effective)");
Console.WriteLine();

// ---- (c) numpy first, so that it sees a cold, idle machine like the others
NumpyResult? np = null;
string numpyNote = "";
if (numpy) (np, numpyNote) = RunNumpy(repo, dataDir, iterations, seed, numgrad ? numgradBatch : 0);
else numpyNote = "skipped (--no-numpy)";

// ---- (b) the fast path (first: it is the one most sensitive to the state the other runs leave behind)
var fast = Train("fast", (net, d, o) => FastTrainer.Train(net, d, o));
// ---- (a) the readable loop, exactly as a notebook runs it, with the fast MathNet provider
FastProvider.Use();
var readable = Train("readable", (net, d, o) => Trainer.Train(net, d, o));
// ---- optional: the readable loop on MathNet's default managed provider
(double Seconds, double Cpu, double Test)? managed = null;
if (withManaged)
{
    FastProvider.UseManaged();
    managed = Train("readable, MathNet managed provider", (net, d, o) => Trainer.Train(net, d, o));
    FastProvider.Use();
}

string Ratio(double seconds) => np is null ? "—" : $"{np.TrainSeconds / seconds:0.0}×";
rows.Add(new("(a) readable `TwoLayerNet<float>` + `Trainer.Train`, MathNet with `FastProvider`", readable.Seconds, readable.Cpu, flops / readable.Seconds / 1e9, readable.Test, Ratio(readable.Seconds)));
rows.Add(new("(b) fast path `FastTrainer.Train` (float32, sparse, SIMD)", fast.Seconds, fast.Cpu, flops / fast.Seconds / 1e9, fast.Test, Ratio(fast.Seconds)));
if (managed is { } m)
    rows.Add(new("(a′) readable, MathNet's default managed provider", m.Seconds, m.Cpu, flops / m.Seconds / 1e9, m.Test, Ratio(m.Seconds)));
if (np is not null)
    rows.Add(new($"(c) numpy {np.Version} reference (float64, {np.Blas})", np.TrainSeconds, np.TrainCpuSeconds, flops / np.TrainSeconds / 1e9, np.TestAccuracy, "1.0×"));
else
    rows.Add(new($"(c) numpy reference: {numpyNote}", double.NaN, double.NaN, double.NaN, double.NaN, "—"));

// ---- numerical gradient, float64, all 15,910 parameters
double? csNumgrad = null, csNumgradCpu = null;
if (numgrad)
{
    var net = new TwoLayerNet<double>(784, 20, 10, 0.01, seed);
    var x = Matrix<double>.Build.Dense(numgradBatch, 784, (r, c) => data.Train.X[r, c]);
    var t = Matrix<double>.Build.Dense(numgradBatch, 10, (r, c) => data.Train.T[r, c]);
    net.NumericalGradient(Matrix<double>.Build.Dense(1, 784, (r, c) => x[r, c]), Matrix<double>.Build.Dense(1, 10, (r, c) => t[r, c])); // warm up
    clock.Restart();
    var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
    var g = net.NumericalGradient(x, t);
    csNumgrad = clock.Elapsed.TotalSeconds;
    csNumgradCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
    int count = g.Values.Sum(v => v.RowCount * v.ColumnCount);
    Console.WriteLine($"numerical gradient C#: {csNumgrad:0.00} s for {count} parameters, batch {numgradBatch}");
}

var table = new StringBuilder();
table.AppendLine("| Run | Training time (s) | CPU time (s) | GFLOP/s | Final test accuracy | Speed vs numpy |");
table.AppendLine("|---|---:|---:|---:|---:|---:|");
foreach (var r in rows)
    table.AppendLine($"| {r.Name} | {F(r.Seconds, "0.00")} | {F(r.Cpu, "0.00")} | {F(r.Gflops, "0.0")} | {F(r.Test, "0.0000")} | {r.Ratio} |");
if (numgrad)
{
    string npg = np?.NumgradSeconds is double s ? $"{s:0.00}" : "—";
    string ratio = np?.NumgradSeconds is double s2 && csNumgrad is double c ? $"{s2 / c:0.0}×" : "—";
    string npc = np?.NumgradCpuSeconds is double s3 ? $"{s3:0.00}" : "—";
    table.AppendLine($"| numerical gradient, float64, 15,910 params, batch {numgradBatch}: C# `TwoLayerNet<double>.NumericalGradient` + `FastProvider` | {F(csNumgrad ?? double.NaN, "0.00")} | {F(csNumgradCpu ?? double.NaN, "0.00")} | | | {ratio} |");
    table.AppendLine($"| numerical gradient, same, numpy | {npg} | {npc} | | | 1.0× |");
}
table.AppendLine($"| MNIST load from local files (`Mnist.Load`, SHA-256 verified) | {load:0.000} | | | | |");
if (np is not null) table.AppendLine($"| MNIST load, numpy reference (no verification) | {np.LoadSeconds:0.000} | | | | |");

Console.WriteLine();
Console.WriteLine(table);
if (np is not null) Console.WriteLine($"numpy: {numpyNote}");
if (markdownPath is not null)
{
    var md = new StringBuilder();
    md.AppendLine($"Machine: {CpuModel()}, {Environment.ProcessorCount} logical cores; {RuntimeInformation.OSDescription}; .NET {Environment.Version}; SIMD: {Simd.Description}.");
    md.AppendLine($"Run: {iterations} iterations, seed {seed}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; load average at the end {LoadAverage()} (1, 5, 15 min).");
    md.AppendLine();
    md.Append(table);
    if (np is not null) md.AppendLine().AppendLine($"numpy: {numpyNote}");
    File.WriteAllText(markdownPath, md.ToString());
}
return 0;

(double Seconds, double Cpu, double Test) Train(string name, Func<TwoLayerNet<float>, Dataset<float>, TrainingOptions, TrainingHistory> train)
{
    var net = new TwoLayerNet<float>(784, 20, 10, options.WeightInitStd, seed);
    GC.Collect();
    var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
    var history = train(net, data, options);
    double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
    var last = history.Epochs[^1];
    Console.WriteLine($"{name}: {history.Elapsed.TotalSeconds:0.00} s; final train {last.TrainAccuracy:0.0000}, test {last.TestAccuracy:0.0000}, loss {history.TrainLoss[^1]:0.0000}");
    return (history.Elapsed.TotalSeconds, cpu, last.TestAccuracy);
}

static string F(double v, string format) => double.IsNaN(v) ? "—" : v.ToString(format, CultureInfo.InvariantCulture);

static double TrainingFlops(int iterations, int perEpoch, int b, int i, int h, int o, int evalRows)
{
    double forward = 2.0 * b * ((double)i * h + (double)h * o);          // x·W1, z1·W2
    double backward = 2.0 * b * ((double)i * h + 2.0 * h * o);           // xᵀ·δ₁, dy·W2ᵀ, z1ᵀ·dy
    int evaluations = (iterations - 1) / perEpoch + 1;
    return iterations * (2 * forward + backward) + evaluations * 2.0 * evalRows * ((double)i * h + (double)h * o);
}

static (NumpyResult?, string) RunNumpy(string repo, string dataDir, int iterations, int seed, int numgradBatch)
{
    const string python = "/usr/bin/python3";
    if (!File.Exists(python)) return (null, "skipped: /usr/bin/python3 not found");
    var check = Process.Start(new ProcessStartInfo(python, ["-c", "import numpy"]) { RedirectStandardError = true, UseShellExecute = false })!;
    check.WaitForExit();
    if (check.ExitCode != 0) return (null, "skipped: numpy is not installed for /usr/bin/python3 (apt install python3-numpy)");
    var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    foreach (var a in new[] { Path.Combine(repo, "bench", "reference", "two_layer_net.py"), "--data", Path.Combine(dataDir, "mnist"),
                              "--iterations", iterations.ToString(CultureInfo.InvariantCulture), "--seed", seed.ToString(CultureInfo.InvariantCulture) })
        psi.ArgumentList.Add(a);
    if (numgradBatch > 0) { psi.ArgumentList.Add("--numgrad-batch"); psi.ArgumentList.Add(numgradBatch.ToString(CultureInfo.InvariantCulture)); }
    else psi.ArgumentList.Add("--skip-numgrad");
    // A fair numpy: no OpenBLAS core/cache overrides from this environment in the child (the parent is untouched).
    var removed = new List<string>();
    foreach (var v in new[] { "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE" })
        if (psi.Environment.Remove(v)) removed.Add(v);
    Console.WriteLine($"numpy: running {python} bench/reference/two_layer_net.py ({iterations} iterations{(numgradBatch > 0 ? $", numerical gradient on {numgradBatch} rows" : "")}) …");
    using var p = Process.Start(psi)!;
    var stderr = p.StandardError.ReadToEndAsync();
    string stdout = p.StandardOutput.ReadToEnd();
    p.WaitForExit();
    if (p.ExitCode != 0) return (null, $"failed (exit {p.ExitCode}): {stderr.Result.Trim()}");
    var json = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement;
    var blas = json.GetProperty("blas");
    var libs = blas.GetProperty("libraries").EnumerateArray().Select(e => e.GetString()!).ToList();
    string kernel = blas.TryGetProperty("openblas_core", out var core) ? $"OpenBLAS core {core.GetString()}" : libs.Any(l => l.Contains("/blas/libblas")) ? "reference BLAS (netlib)" : string.Join(", ", libs.Select(Path.GetFileName));
    var result = new NumpyResult(
        json.GetProperty("numpy").GetString()!, kernel,
        json.GetProperty("train_seconds").GetDouble(), json.GetProperty("train_cpu_seconds").GetDouble(), json.GetProperty("final_test_accuracy").GetDouble(),
        json.GetProperty("load_seconds").GetDouble(),
        json.TryGetProperty("numgrad_seconds", out var ng) ? ng.GetDouble() : null,
        json.TryGetProperty("numgrad_cpu_seconds", out var ngc) ? ngc.GetDouble() : null);
    string note = $"numpy {result.Version}, Python {json.GetProperty("python").GetString()}, BLAS {string.Join(", ", libs)} ({kernel}); "
        + (removed.Count > 0 ? $"unset in the child: {string.Join(", ", removed)}" : "no OPENBLAS_* overrides were set");
    Console.WriteLine($"numpy: {result.TrainSeconds:0.00} s, test {result.TestAccuracy:0.0000}" + (result.NumgradSeconds is double s ? $"; numerical gradient {s:0.00} s" : ""));
    return (result, note);
}

static string LoadAverage()
{
    try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
    catch (IOException) { return "unknown"; }
}

static string CpuModel()
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

static string FindRepository()
{
    for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
        if (File.Exists(Path.Combine(d.FullName, "FromScratch.slnx"))) return d.FullName;
    for (var d = new DirectoryInfo(Directory.GetCurrentDirectory()); d != null; d = d.Parent)
        if (File.Exists(Path.Combine(d.FullName, "FromScratch.slnx"))) return d.FullName;
    throw new InvalidOperationException("Run the benchmark from inside the repository (FromScratch.slnx not found).");
}

record Row(string Name, double Seconds, double Cpu, double Gflops, double Test, string Ratio);
record NumpyResult(string Version, string Blas, double TrainSeconds, double TrainCpuSeconds, double TestAccuracy, double LoadSeconds, double? NumgradSeconds, double? NumgradCpuSeconds);
