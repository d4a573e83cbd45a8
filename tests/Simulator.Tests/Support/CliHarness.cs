namespace Simulator.Tests.Support;

/// <summary>Runs the CLI in-process, as `simulator ARGS` would, with stdout and stderr captured.</summary>
internal static class CliHarness
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Simulator.Cli.Cli.Run(args, stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
