using Simulator.Cli.Infrastructure;

namespace Simulator.Cli;

/// <summary>Runs one command on its arguments (the command name already removed); returns the exit code.</summary>
internal delegate int CommandHandler(ArgumentReader args, TextWriter stdout, TextWriter stderr, CancellationToken cancel);

/// <summary>One `simulator` command, as <see cref="CommandTable"/> lists it.</summary>
/// <param name="Name">What the user types after `simulator`.</param>
/// <param name="Summary">
/// The command's lines in the top-level help's "Commands:" block, without the block's indent,
/// already aligned to its description column (a command may take several lines).
/// </param>
/// <param name="Help">The text `simulator NAME --help` prints.</param>
/// <param name="Execute">Runs the command.</param>
internal sealed record CliCommand(string Name, string Summary, string Help, CommandHandler Execute);
