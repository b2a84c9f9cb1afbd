using FromScratch.Bench;

namespace FromScratch.Tests;

/// <summary>The benchmark's Python peers: a missing one is "skipped" with the exact install command from the one package list.</summary>
public class BenchPeerTests
{
    [Fact]
    public void TheBenchPackagesComeFromTheOneList()
        => Assert.Equal(["python3-numpy", "libopenblas0-pthread", "python3-torch"], PythonReference.BenchPackages(RepositoryRoot.Require()));

    [Fact]
    public void AMissingModuleIsSkippedWithTheInstallCommand()
    {
        string? note = PythonReference.Missing(RepositoryRoot.Require(), "no_such_module_fromscratch");
        Assert.NotNull(note);
        Assert.StartsWith("skipped", note);
        Assert.Contains("sudo apt-get install python3-numpy libopenblas0-pthread python3-torch", note);
    }

    [Fact]
    public void A_second_numpy_run_counts_only_when_faster_and_every_time_is_kept()
    {
        var first = new NumpyResult("1.24", "OpenBLAS", false, "libopenblas.so", TrainSeconds: 12.0, TrainCpuSeconds: 20.0, TestAccuracy: 0.93,
            LoadSeconds: 0.5, NumgradSeconds: 6.0, Grid: []);
        var slower = first.WithRun(14.0, 25.0);
        Assert.Equal((12.0, 20.0), (slower.TrainSeconds, slower.TrainCpuSeconds));
        var faster = slower.WithRun(10.5, 18.0);
        Assert.Equal((10.5, 18.0), (faster.TrainSeconds, faster.TrainCpuSeconds));
        Assert.Equal([12.0, 14.0, 10.5], faster.TrainTimes);
        Assert.Equal((0.93, 6.0), (faster.TestAccuracy, faster.NumgradSeconds!.Value));   // the rest is the first run's
    }

    [Fact]
    public void The_numpy_reference_s_repeated_loads_and_fresh_memory_figures_are_read_when_present()
    {
        const string common = """
            "numpy": "1.24.2", "blas": {"libraries": ["/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3"]},
            "train_seconds": 7.0, "train_cpu_seconds": 13.0, "final_test_accuracy": 0.94, "load_seconds": 0.62
            """;
        var full = PythonReference.ReadNumpy(System.Text.Json.JsonDocument.Parse(
            "{" + common + """
                , "load_repeated_seconds": 0.049, "load_repeated_first_seconds": 0.331, "load_repeats": 8, "load_huge_pages": 103,
                "fresh_memory_ms": {"huge_page_advice": 11.4, "huge_page_advice_worst": 480.5, "without": 68.2, "without_worst": 90.1, "numpy_default": true}}
                """).RootElement);
        Assert.Equal((0.62, 0.049, 0.331, 8), (full.LoadSeconds, full.LoadRepeatedSeconds!.Value, full.LoadRepeatedFirstSeconds!.Value, full.LoadRepeats));
        Assert.Equal(new FreshMemory(11.4, 68.2, 480.5, 90.1), full.FreshMemoryMs);
        Assert.Equal(103, full.LoadHugePages);
        Assert.Equal(0.049, full.WithRun(6.0, 12.0).LoadRepeatedSeconds);           // another training run keeps the load figures
        Assert.Equal(103, full.WithRun(6.0, 12.0).LoadHugePages);

        var withoutWorst = PythonReference.ReadNumpy(System.Text.Json.JsonDocument.Parse(   // an older script: best of 3 only
            "{" + common + """, "fresh_memory_ms": {"huge_page_advice": 11.4, "without": 68.2}}""").RootElement);
        Assert.Equal(new FreshMemory(11.4, 68.2, null, null), withoutWorst.FreshMemoryMs);
        Assert.Null(withoutWorst.LoadHugePages);

        var older = PythonReference.ReadNumpy(System.Text.Json.JsonDocument.Parse("{" + common + "}").RootElement);
        Assert.Equal(0.62, older.LoadSeconds);
        Assert.Null(older.LoadRepeatedSeconds);
        Assert.Null(older.LoadRepeatedFirstSeconds);
        Assert.Equal(3, older.LoadRepeats);                                          // scripts before the count timed 3
        Assert.Null(older.FreshMemoryMs);
    }

    [Fact]
    public void A_second_torch_run_improves_only_its_thread_count()
    {
        var first = new TorchResult("1.13", [(1, 7.0, 7.0), (2, 8.0, 15.0)], 0.93, []);
        var again = first.WithRun(1, 6.0, 6.1);
        Assert.Equal([(1, 6.0, 6.1), (2, 8.0, 15.0)], again.Runs);
        Assert.Equal(2, again.RunsPerThreads[1]);
        Assert.Equal(1, again.RunsPerThreads[2]);
        Assert.Equal((1, 6.0, 6.1), again.Best);
        var slower = again.WithRun(1, 9.0, 9.0);
        Assert.Equal((1, 6.0, 6.1), slower.Best);
        Assert.Equal(3, slower.RunsPerThreads[1]);
    }
}

public class BenchHostMemoryTests
{
    /// <summary>A fake /sys with one virtio device of the given id and feature bits (character k is bit k).</summary>
    private static string FakeSys(string device, string features, string? order)
    {
        string root = Path.Combine(Path.GetTempPath(), "fromscratch-sys-" + Guid.NewGuid().ToString("N"));
        string dev = Directory.CreateDirectory(Path.Combine(root, "bus/virtio/devices/virtio0")).FullName;
        File.WriteAllText(Path.Combine(dev, "device"), device + "\n");
        File.WriteAllText(Path.Combine(dev, "features"), features + "\n");
        if (order is not null)
        {
            string p = Directory.CreateDirectory(Path.Combine(root, "module/page_reporting/parameters")).FullName;
            File.WriteAllText(Path.Combine(p, "page_reporting_order"), order + "\n");
        }
        return root;
    }

    [Theory]
    [InlineData("0x0005", "0110010100000000", "9", "blocks of 2 MiB")]        // a balloon that reports free pages, order 9
    [InlineData("0x0005", "0110010100000000", "10", "blocks of 4 MiB")]
    [InlineData("0x0005", "0110010100000000", null, "blocks of 2 MiB")]       // the kernel's default order
    [InlineData("0x0005", "0110000100000000", "9", null)]                     // a balloon without free page reporting
    [InlineData("0x0001", "0110010100000000", "9", null)]                     // a network card with the same bits
    [InlineData("0x0005", "01100", "9", null)]                                // too few feature bits to say
    public void Free_page_reporting_is_named_only_for_a_balloon_that_negotiated_it(string device, string features, string? order, string? expected)
    {
        string sys = FakeSys(device, features, order);
        try
        {
            string? said = HostMemory.FreePageReporting(sys);
            if (expected is null) Assert.Null(said);
            else Assert.Contains(expected, said);
        }
        finally { Directory.Delete(sys, recursive: true); }
    }

    [Fact]
    public void Without_virtio_devices_nothing_is_said()
        => Assert.Null(HostMemory.FreePageReporting(Path.Combine(Path.GetTempPath(), "fromscratch-no-sys-" + Guid.NewGuid().ToString("N"))));
}
