using System.Runtime.InteropServices;
using Simulator.Cli;

// Ctrl-C and SIGTERM stop the run between ticks; the partial run folder is then deleted.
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancel.Cancel();
});

return Cli.Run(args, Console.Out, Console.Error, cancel.Token);
