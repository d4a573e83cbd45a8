using System.Diagnostics;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Simulator.Tests.Architecture;

/// <summary>
/// Core reads nothing from the machine it runs on: no clock, no environment, no console, no
/// files, no OS or runtime description. The check reads the compiled assembly's metadata (every
/// type and member it references), so an alias, a <c>using static</c> or a fully qualified name
/// cannot hide a forbidden call the way it could from a scan of the sources.
/// </summary>
public sealed class CorePurityTests
{
    /// <summary>Types Core may not touch at all.</summary>
    private static readonly string[] ForbiddenTypes =
    [
        "System.Diagnostics.Stopwatch",
        "System.Console",
        "System.IO.File",
        "System.IO.Directory",
        "System.IO.FileInfo",
        "System.IO.DirectoryInfo",
        "System.IO.FileStream",
        "System.IO.StreamReader",
        "System.IO.StreamWriter",
        "System.IO.Path",
    ];

    /// <summary>Members Core may not call on types it otherwise uses: the wall clock and the machine's description.</summary>
    private static readonly (string Type, string Member)[] ForbiddenMembers =
    [
        ("System.DateTime", "get_Now"),
        ("System.DateTime", "get_UtcNow"),
        ("System.DateTime", "get_Today"),
        ("System.DateTimeOffset", "get_Now"),
        ("System.DateTimeOffset", "get_UtcNow"),
        ("System.TimeProvider", "get_System"),
        ("System.Runtime.InteropServices.RuntimeInformation", "get_OSDescription"),
        ("System.Runtime.InteropServices.RuntimeInformation", "get_FrameworkDescription"),
        ("System.Runtime.InteropServices.RuntimeInformation", "get_RuntimeIdentifier"),
    ];

    /// <summary>
    /// Every member of System.Environment is forbidden but this one, which the C# compiler's
    /// iterator state machines (<c>yield return</c>) call to know which thread owns an enumerator.
    /// </summary>
    private const string CompilerGeneratedEnvironmentMember = "get_CurrentManagedThreadId";

    [Fact]
    public void Core_reads_no_clock_environment_console_file_or_os_description()
    {
        var core = typeof(Simulator.Core.Compute.IComputeEngine).Assembly.Location;
        var found = ForbiddenReferences(core);
        Assert.True(found.Count == 0, "Simulator.Core references " + string.Join(", ", found) +
            ": Core must take the clock, the machine's facts and all I/O from its caller");
    }

    /// <summary>The checker itself finds what it forbids: this test assembly reads a Stopwatch, DateTime.UtcNow and the processor count below.</summary>
    [Fact]
    public void The_check_finds_a_stopwatch_and_the_wall_clock_in_an_assembly_that_uses_them()
    {
        var started = DateTime.UtcNow;
        var threads = Environment.ProcessorCount;
        var clock = Stopwatch.StartNew();
        Assert.True(clock.Elapsed >= TimeSpan.Zero && started > DateTime.MinValue && threads > 0);

        var found = ForbiddenReferences(typeof(CorePurityTests).Assembly.Location);
        Assert.Contains("System.Diagnostics.Stopwatch", found);
        Assert.Contains("System.Environment.get_ProcessorCount", found);
        Assert.Contains("System.DateTime.get_UtcNow", found);
        Assert.DoesNotContain(found, f => f.EndsWith(CompilerGeneratedEnvironmentMember, StringComparison.Ordinal));
    }

    /// <summary>Every forbidden type and member the assembly at <paramref name="path"/> references, sorted.</summary>
    private static List<string> ForbiddenReferences(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var handle in reader.TypeReferences)
        {
            var name = FullName(reader, reader.GetTypeReference(handle));
            if (ForbiddenTypes.Contains(name))
            {
                found.Add(name);
            }
        }

        foreach (var handle in reader.MemberReferences)
        {
            var member = reader.GetMemberReference(handle);
            if (member.Parent.Kind != HandleKind.TypeReference)
            {
                continue;
            }

            var type = FullName(reader, reader.GetTypeReference((TypeReferenceHandle)member.Parent));
            var name = reader.GetString(member.Name);
            if (ForbiddenMembers.Contains((type, name)) || (type == "System.Environment" && name != CompilerGeneratedEnvironmentMember))
            {
                found.Add($"{type}.{name}");
            }
        }

        return [.. found];
    }

    private static string FullName(MetadataReader reader, TypeReference type) =>
        type.Namespace.IsNil ? reader.GetString(type.Name) : $"{reader.GetString(type.Namespace)}.{reader.GetString(type.Name)}";
}
