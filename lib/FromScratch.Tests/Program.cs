using FromScratch.Data;

namespace FromScratch.Tests;

/// <summary>
/// The entry point of the test assembly, used only when a test starts it as a child process
/// (<c>dotnet exec FromScratch.Tests.dll fetch DIR URL</c>): a second process that really runs at the same time.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["fetch", var dir, var baseUrl])
        {
            try
            {
                DatasetStore.Ensure("Test", dir, [TestContent.File], [new HttpMirror(baseUrl) { StallTimeout = TimeSpan.FromSeconds(20) }], Console.Out);
                return 0;
            }
            catch (DatasetException e)
            {
                Console.Error.WriteLine(e.Message);
                return 1;
            }
        }
        Console.Error.WriteLine("usage: FromScratch.Tests fetch DIR URL (started by AcquisitionTests)");
        return 2;
    }
}
