using System.Reflection;
using System.Runtime.Loader;
using Simulator.Core.Scenarios;
using Simulator.Core.Strategies;

namespace Simulator.Cli.Plugins;

/// <summary>
/// Loads strategy plugins: each assembly in its own <see cref="AssemblyLoadContext"/> (its own
/// dependencies beside it), sharing Simulator.Core with the host so its class implements the very
/// <see cref="IStrategy"/> the simulator calls. A plugin class has a public constructor
/// (<see cref="StrategyContext"/>, <see cref="StrategySpec"/>) and may declare
/// <c>public static IReadOnlyList&lt;StrategyParameter&gt; Parameters</c> and
/// <c>public static string Description</c> (docs/strategies.md).
/// </summary>
internal static class PluginLoader
{
    private static readonly Dictionary<string, Assembly> Loaded = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();

    /// <summary>Fields of a scenario's strategy entry that cannot be parameter names.</summary>
    private static readonly string[] Reserved = ["name", .. ExternalStrategy.Fields];

    /// <summary>The plugin assembly at <paramref name="fullPath"/>, loaded once per process.</summary>
    public static Assembly Load(string fullPath)
    {
        if (Directory.Exists(fullPath))
        {
            throw new StrategyLoadException("plugin", $"{fullPath} is a folder; expected the plugin's .dll (e.g. bin/MyRanker.dll after dotnet build)");
        }

        if (!File.Exists(fullPath))
        {
            throw new StrategyLoadException("plugin", $"no such file {fullPath}; expected the plugin's .dll (build its project with dotnet build first)");
        }

        lock (Gate)
        {
            if (Loaded.TryGetValue(fullPath, out var loaded))
            {
                return loaded;
            }

            try
            {
                var assembly = new PluginLoadContext(fullPath).LoadFromAssemblyPath(fullPath);
                Loaded[fullPath] = assembly;
                return assembly;
            }
            catch (BadImageFormatException)
            {
                throw new StrategyLoadException("plugin", $"{fullPath} is not a .NET assembly; expected the plugin's .dll built for net10.0");
            }
            catch (FileLoadException e)
            {
                throw new StrategyLoadException("plugin", $"{fullPath} cannot be loaded: {e.Message}");
            }
        }
    }

    /// <summary>The public, concrete classes of <paramref name="assembly"/> that implement <see cref="IStrategy"/>.</summary>
    public static IReadOnlyList<Type> StrategyTypes(Assembly assembly) =>
        ExportedTypes(assembly).Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IStrategy).IsAssignableFrom(t)).OrderBy(t => t.FullName, StringComparer.Ordinal).ToArray();

    /// <summary>Loads <paramref name="typeName"/> from the plugin and describes it as the scenario's strategy <paramref name="name"/>.</summary>
    public static StrategyDescriptor Resolve(string name, string fullPath, string typeName)
    {
        var assembly = Load(fullPath);
        var type = assembly.GetType(typeName, throwOnError: false);
        if (type is null)
        {
            var found = StrategyTypes(assembly).Select(t => t.FullName!).ToArray();
            throw new StrategyLoadException(
                "type",
                $"no type \"{typeName}\" in {Path.GetFileName(fullPath)}; expected " +
                (found.Length == 0 ? "a public class implementing Simulator.Core.Strategies.IStrategy (the assembly has none)" : $"one of {string.Join(", ", found)}{Suggest.DidYouMean(typeName, found)}"));
        }

        return Describe(name, type, new ExternalStrategy(fullPath, typeName, null));
    }

    /// <summary>The descriptor of a plugin class: its parameters, description, and a constructor guarded against faults.</summary>
    public static StrategyDescriptor Describe(string name, Type type, ExternalStrategy source)
    {
        if (!typeof(IStrategy).IsAssignableFrom(type))
        {
            var foreign = type.GetInterfaces().Any(i => i.FullName == typeof(IStrategy).FullName);
            throw new StrategyLoadException(
                "type",
                $"{type.FullName} does not implement Simulator.Core.Strategies.IStrategy" +
                (foreign ? " of this simulator (it was built against another copy of Simulator.Core; reference the simulator's own Simulator.Core.dll without copying it)" : string.Empty));
        }

        if (type.IsAbstract || !type.IsClass || !type.IsPublic)
        {
            throw new StrategyLoadException("type", $"{type.FullName} is not a public concrete class; expected one the simulator can construct");
        }

        var constructor = type.GetConstructor([typeof(StrategyContext), typeof(StrategySpec)])
            ?? throw new StrategyLoadException("type", $"{type.FullName} has no public constructor ({nameof(StrategyContext)} context, {nameof(StrategySpec)} spec); expected one");
        var parameters = StaticValue<IReadOnlyList<StrategyParameter>>(type, "Parameters") ?? [];
        var description = StaticValue<string>(type, "Description") ?? $"plugin {type.FullName}";
        Check(type, parameters);
        return new StrategyDescriptor(
            name,
            description,
            false,
            parameters,
            (context, spec) => Create(constructor, context, spec),
            RunsOnShards: false)
        {
            External = source,
            CheckSlates = true,
        };
    }

    private static IStrategy Create(ConstructorInfo constructor, StrategyContext context, StrategySpec spec)
    {
        var engine = new CheckedEngine(context.Engine, spec.Name);
        try
        {
            var inner = (IStrategy)constructor.Invoke([context with { Engine = engine }, spec]);
            return new GuardedStrategy(spec.Name, inner, engine);
        }
        catch (TargetInvocationException e)
        {
            var cause = GuardedStrategy.Cause(e);
            throw new StrategyException(
                spec.Name,
                $"strategy {spec.Name}: the constructor of {constructor.DeclaringType!.FullName} threw {cause.GetType().Name}: {cause.Message}",
                isConfiguration: true,
                cause);
        }
    }

    private static void Check(Type type, IReadOnlyList<StrategyParameter> parameters)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in parameters)
        {
            var problem = string.IsNullOrEmpty(p.Name) ? "a parameter has no name"
                : Reserved.Contains(p.Name) ? $"parameter \"{p.Name}\" uses a reserved field name ({string.Join(", ", Reserved)})"
                : !seen.Add(p.Name) ? $"parameter \"{p.Name}\" is declared twice"
                : !(double.IsFinite(p.Default) && p.Min <= p.Default && p.Default <= p.Max) ? $"parameter \"{p.Name}\": default {p.Default} is not a finite number in [{p.Min}, {p.Max}]"
                : null;
            if (problem is not null)
            {
                throw new StrategyLoadException("type", $"{type.FullName}.Parameters: {problem}");
            }
        }
    }

    private static T? StaticValue<T>(Type type, string name)
        where T : class
    {
        var property = type.GetProperty(name, BindingFlags.Public | BindingFlags.Static);
        if (property is null)
        {
            return null;
        }

        try
        {
            return property.GetValue(null) as T
                ?? throw new StrategyLoadException("type", $"{type.FullName}.{name} is not a {typeof(T).Name}; expected public static {typeof(T).Name} {name}");
        }
        catch (TargetInvocationException e)
        {
            var cause = GuardedStrategy.Cause(e);
            throw new StrategyLoadException("type", $"{type.FullName}.{name} threw {cause.GetType().Name}: {cause.Message}");
        }
    }

    private static IEnumerable<Type> ExportedTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetExportedTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.OfType<Type>().Where(t => t.IsPublic);
        }
        catch (FileNotFoundException e)
        {
            throw new StrategyLoadException("plugin", $"{assembly.Location}: a dependency is missing: {e.Message}");
        }
    }

    /// <summary>One plugin's load context: its own dependencies from its folder; Simulator.Core from the host.</summary>
    private sealed class PluginLoadContext(string path) : AssemblyLoadContext($"plugin {Path.GetFileName(path)}")
    {
        private readonly AssemblyDependencyResolver _resolver = new(path);

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (assemblyName.Name == typeof(IStrategy).Assembly.GetName().Name)
            {
                return null;
            }

            var resolved = _resolver.ResolveAssemblyToPath(assemblyName);
            return resolved is null ? null : LoadFromAssemblyPath(resolved);
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
        {
            var resolved = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
            return resolved is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(resolved);
        }
    }
}
