using FromScratch.Bench;

namespace FromScratch.Tests;

/// <summary>The benchmark's FMA floor: the best round counts, and an all-core figure no machine can reach is never used.</summary>
public class FmaProbeTests
{
    [Fact]
    public void TheBestPlausibleRoundsCount()
    {
        var r = FmaProbe.Plausible(512, 2, oneCore: [100, 117, 110], allCores: [180, 212, 150]);
        Assert.Equal(117, r.GflopsOneCore);
        Assert.Equal(212, r.GflopsAllCores);
        Assert.False(r.Capped);
    }

    [Fact]
    public void AnAllCoreRoundAboveCoresTimesOneCoreIsDiscarded()
    {
        // the disturbed run of round 2: 719 GFLOP/s on 2 cores against 117 on one
        var r = FmaProbe.Plausible(512, 2, oneCore: [117, 110], allCores: [719, 200]);
        Assert.Equal(200, r.GflopsAllCores);
        Assert.False(r.Capped);
    }

    [Fact]
    public void WhenEveryAllCoreRoundIsImpossibleTheFigureIsCappedAndFlagged()
    {
        var r = FmaProbe.Plausible(256, 2, oneCore: [100], allCores: [719, 300]);
        Assert.Equal(200, r.GflopsAllCores);
        Assert.True(r.Capped);
        Assert.Equal(1.0, r.FloorSeconds(200e9), 12);
    }

    [Fact]
    public void TenPercentAboveIsStillAccepted()
    {
        var r = FmaProbe.Plausible(512, 2, oneCore: [100], allCores: [219]);
        Assert.Equal(219, r.GflopsAllCores);
        Assert.False(r.Capped);
    }

    [Fact]
    public void AllCoreRoundsThatDidNotScaleAreFlaggedNotTrusted()
    {
        // 117 on all cores against 117 on one: the second core was busy (seen in a run), so the floor would be twice too long
        var r = FmaProbe.Plausible(512, 2, oneCore: [117, 110], allCores: [117, 100]);
        Assert.True(r.Unscaled);
        Assert.Equal(117, r.GflopsAllCores);
        var ok = FmaProbe.Plausible(512, 2, oneCore: [117], allCores: [212]);
        Assert.False(ok.Unscaled);
        Assert.False(FmaProbe.Plausible(512, 1, oneCore: [117], allCores: [117]).Unscaled);   // one core: nothing to scale
    }

    [Fact]
    public void TheProbeMeasuresSomething()
    {
        var r = FmaProbe.Measure();
        Assert.True(r.GflopsOneCore > 0 && r.GflopsAllCores > 0);
        Assert.True(r.GflopsAllCores <= r.Threads * r.GflopsOneCore * 1.1 + 1e-9, $"{r.GflopsAllCores} on all cores vs {r.GflopsOneCore} on one");
    }

    [Fact]
    public void Of_two_probes_the_faster_trusted_one_sets_the_floor()
    {
        var slow = new FmaProbe.Result(256, 2, 90, 170);
        var fast = new FmaProbe.Result(256, 2, 95, 185);
        var busy = new FmaProbe.Result(256, 2, 100, 120, Unscaled: true);
        var capped = new FmaProbe.Result(256, 2, 100, 200, Capped: true);
        Assert.Same(fast, FmaProbe.Best(slow, fast));
        Assert.Same(fast, FmaProbe.Best(fast, slow));
        Assert.Same(slow, FmaProbe.Best(busy, slow));   // an untrusted probe never wins over a trusted one, however fast
        Assert.Same(slow, FmaProbe.Best(slow, capped));
        Assert.Same(capped, FmaProbe.Best(busy, capped));   // both untrusted: the higher, still flagged
        Assert.True(FmaProbe.Best(busy, capped).Capped);
    }
}
