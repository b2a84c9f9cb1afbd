using System.Reflection;
using System.Runtime.Loader;

namespace FromScratch.Notebook;

/// <summary>
/// Finds the assemblies the lib's DLLs ask for and the kernel cannot find itself. An assembly already loaded under that
/// name wins, whatever version was asked for: the stock kernel (1.0.712001) ships FSharp.Core 10.0 while Plotly.NET 6
/// asks for 10.1, and .NET has no binding redirects. Otherwise the DLL of that name in the build folder is loaded.
/// </summary>
internal static class AssemblyResolver
{
    private static string? s_folder;
    private static bool s_installed;

    /// <summary>Serves requests of the default load context from <paramref name="folder"/> (the first folder given wins).</summary>
    public static void Install(string folder)
    {
        s_folder ??= folder;
        if (s_installed) return;
        s_installed = true;
        AssemblyLoadContext.Default.Resolving += (context, name) =>
            Resolve(name, context.Assemblies, s_folder) is { } found
                ? found.Loaded ?? context.LoadFromAssemblyPath(found.Path!)
                : null;
    }

    /// <summary>What a request for <paramref name="name"/> resolves to: a loaded assembly of that name, else a DLL in <paramref name="folder"/>, else nothing.</summary>
    public static (Assembly? Loaded, string? Path)? Resolve(AssemblyName name, IEnumerable<Assembly> loaded, string? folder)
    {
        if (loaded.FirstOrDefault(a => AssemblyName.ReferenceMatchesDefinition(new AssemblyName(name.Name!), a.GetName())) is { } same)
            return (same, null);
        var file = folder is null ? null : Path.Combine(folder, name.Name + ".dll");
        return file is not null && File.Exists(file) ? (null, file) : null;
    }
}
