namespace FromScratch.Charts;

/// <summary>Settings that the test suite passes to notebooks through environment variables.</summary>
public static class NotebookSettings
{
    /// <summary>The environment variable that asks notebooks for a short run (tests only).</summary>
    public const string QuickVariable = "FROMSCRATCH_QUICK";

    /// <summary>
    /// <see langword="true"/> when <c>FROMSCRATCH_QUICK=1</c> is set: the tests ask notebooks to shorten long loops.
    /// A notebook as shipped (and the runner's main job) runs with the tutorial's full values.
    /// </summary>
    public static bool Quick => Environment.GetEnvironmentVariable(QuickVariable) is "1" or "true";

    /// <summary>Returns <paramref name="full"/>, or <paramref name="quick"/> when <see cref="Quick"/> is set.</summary>
    public static T Pick<T>(T full, T quick) => Quick ? quick : full;
}
