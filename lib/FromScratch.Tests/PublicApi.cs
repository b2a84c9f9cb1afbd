using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace FromScratch.Tests;

// Shared by FromScratch.Tests (lib/FromScratch/PublicAPI.txt) and FromScratch.Notebooks.Tests (lib/FromScratch.Charts/PublicAPI.txt),
// which compiles this file in as a link.

/// <summary>A sorted, one-line-per-member listing of an assembly's public surface.</summary>
internal static class PublicApi
{
    const BindingFlags Declared = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>Public types visible outside the assembly (nested ones too).</summary>
    public static IEnumerable<Type> Types(Assembly assembly) =>
        assembly.GetTypes().Where(t => t.IsVisible && !IsCompilerGenerated(t));

    /// <summary>The public members a type declares, accessors folded into their property or event.</summary>
    public static IEnumerable<MemberInfo> Members(Type type) =>
        type.GetMembers(Declared).Where(m => m is not Type && !IsCompilerGenerated(m) &&
                                             !(m is MethodInfo { IsSpecialName: true } mi && !mi.Name.StartsWith("op_")));

    /// <summary>(public types, public members of them).</summary>
    public static (int Types, int Members) Count(Assembly assembly)
    {
        var types = Types(assembly).ToList();
        return (types.Count, types.Sum(t => Members(t).Count()));
    }

    /// <summary>
    /// <see langword="null"/> when <paramref name="assembly"/>'s public API equals the committed list in <paramref name="listed"/>;
    /// otherwise the difference and how to accept it. With FROMSCRATCH_UPDATE_API=1 the list is rewritten first.
    /// </summary>
    public static string? Check(Assembly assembly, string listed, string testProject)
    {
        var actual = Dump(assembly);
        if (Environment.GetEnvironmentVariable("FROMSCRATCH_UPDATE_API") == "1")
            File.WriteAllText(listed, actual);
        var expected = File.Exists(listed) ? File.ReadAllText(listed).Replace("\r\n", "\n") : "";
        var diff = Diff(expected, actual);
        return diff.Length == 0 ? null :
            $"The public API of {assembly.GetName().Name} differs from {listed} (- listed only, + built only):\n{diff}\n" +
            $"If the change is intended, rewrite the list with FROMSCRATCH_UPDATE_API=1 dotnet test {testProject} -c Release " +
            "--filter \"FullyQualifiedName~PublicApi\", review the diff and commit it; otherwise make the new member internal.";
    }

    /// <summary>Every public type, then its public members, one per line, sorted (ordinal).</summary>
    public static string Dump(Assembly assembly)
    {
        var text = new StringBuilder();
        foreach (var type in Types(assembly).OrderBy(t => Name(t), StringComparer.Ordinal))
        {
            text.Append(Kind(type)).Append(' ').Append(Name(type));
            var bases = new List<string>();
            if (type.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum))
                bases.Add(Name(b));
            bases.AddRange(type.GetInterfaces().Where(i => i.IsVisible && i.Namespace?.StartsWith("FromScratch") == true)
                .Select(Name).Order(StringComparer.Ordinal));
            if (bases.Count > 0) text.Append(" : ").Append(string.Join(", ", bases));
            text.Append('\n');
            foreach (var line in Members(type).Select(Signature).Order(StringComparer.Ordinal))
                text.Append("  ").Append(line).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>
    /// "- line" for each type or member only in <paramref name="expected"/>, "+ line" for each only in <paramref name="actual"/>;
    /// a member line is named with its type ("Type :: member"), since the same member line appears under several types.
    /// </summary>
    public static string Diff(string expected, string actual)
    {
        var before = Qualified(expected);
        var after = Qualified(actual);
        var text = new StringBuilder();
        foreach (var line in before.Except(after)) text.Append("- ").Append(line).Append('\n');
        foreach (var line in after.Except(before)) text.Append("+ ").Append(line).Append('\n');
        return text.ToString();
    }

    static List<string> Qualified(string dump)
    {
        var lines = new List<string>();
        var type = "";
        foreach (var line in dump.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            if (line.StartsWith("  ")) lines.Add(type + " :: " + line.Trim());
            else lines.Add(type = line);
        return lines;
    }

    static bool IsCompilerGenerated(MemberInfo m) => m.IsDefined(typeof(CompilerGeneratedAttribute), false) && m is not MethodInfo { Name: "ToString" or "Equals" or "GetHashCode" or "Deconstruct" or "op_Equality" or "op_Inequality" };

    static string Kind(Type t) =>
        t.IsEnum ? "enum" : t.IsInterface ? "interface" : t.IsValueType ? "struct" :
        typeof(Delegate).IsAssignableFrom(t) ? "delegate" :
        t.IsAbstract && t.IsSealed ? "static class" : t.GetMethod("<Clone>$") is not null ? "record" : "class";

    static string Signature(MemberInfo m) => m switch
    {
        ConstructorInfo c => $"{(c.IsStatic ? "static " : "")}ctor({Parameters(c)})",
        MethodInfo mi => $"{(mi.IsStatic ? "static " : "")}method {mi.Name}{Generics(mi)}({Parameters(mi)}) -> {Name(mi.ReturnType)}",
        PropertyInfo p => $"{(p.GetAccessors()[0].IsStatic ? "static " : "")}property {p.Name}" +
                          (p.GetIndexParameters() is { Length: > 0 } ip ? $"[{string.Join(", ", ip.Select(i => Name(i.ParameterType)))}]" : "") +
                          $" : {Name(p.PropertyType)} {{{(p.GetMethod?.IsPublic == true ? " get;" : "")}{(p.SetMethod?.IsPublic == true ? (IsInit(p.SetMethod) ? " init;" : " set;") : "")} }}",
        FieldInfo f => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}{(f.IsInitOnly ? "readonly " : "")}field {f.Name} : {Name(f.FieldType)}",
        EventInfo e => $"event {e.Name} : {Name(e.EventHandlerType!)}",
        _ => $"{m.MemberType} {m.Name}",
    };

    static bool IsInit(MethodInfo setter) =>
        setter.ReturnParameter.GetRequiredCustomModifiers().Any(t => t.FullName == "System.Runtime.CompilerServices.IsExternalInit");

    static string Generics(MethodInfo m) =>
        m.IsGenericMethodDefinition ? $"<{string.Join(", ", m.GetGenericArguments().Select(a => a.Name))}>" : "";

    static string Parameters(MethodBase m) => string.Join(", ", m.GetParameters().Select(p =>
        (p.IsOut ? "out " : p.ParameterType.IsByRef ? (p.IsIn ? "in " : "ref ") : "") +
        (p.IsDefined(typeof(ParamArrayAttribute)) ? "params " : "") +
        Name(p.ParameterType) + " " + p.Name + (p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : "")));

    static string Name(Type t)
    {
        if (t.IsByRef) return Name(t.GetElementType()!);
        if (t.IsArray) return Name(t.GetElementType()!) + "[" + new string(',', t.GetArrayRank() - 1) + "]";
        if (t.IsGenericParameter) return t.Name;
        if (Nullable.GetUnderlyingType(t) is { } u) return Name(u) + "?";
        var name = t.IsNested ? Name(t.DeclaringType!) + "." + t.Name : (t.Namespace is { } ns ? ns + "." : "") + t.Name;
        var tick = name.IndexOf('`');
        if (tick >= 0) name = name[..tick];
        if (t.IsGenericType)
        {
            var args = t.GetGenericArguments();
            var own = t.IsNested ? args.Skip(t.DeclaringType!.GetGenericArguments().Length) : args;
            if (own.Any()) name += "<" + string.Join(", ", own.Select(Name)) + ">";
        }
        return name;
    }
}
