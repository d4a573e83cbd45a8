using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Simulator.Cli.Infrastructure;

namespace Simulator.Cli.Remote;

/// <summary>
/// A Python example policy server of clients/python started for the bench's remote stage, on a
/// free loopback port with Debian's /usr/bin/python3; killed on dispose.
/// </summary>
internal sealed class PolicyServerProcess : IDisposable
{
    public const string Python = "/usr/bin/python3";

    private readonly Process _process;

    private PolicyServerProcess(Process process, int port)
    {
        _process = process;
        Endpoint = $"http://127.0.0.1:{port}";
    }

    public string Endpoint { get; }

    /// <summary>Starts clients/python/examples/<paramref name="example"/>, found above the working folder or the simulator's binaries.</summary>
    public static PolicyServerProcess Start(string example)
    {
        var script = Find(Path.Combine("clients", "python", "examples", example))
            ?? throw new UsageException($"--remote: clients/python/examples/{example} not found above {Directory.GetCurrentDirectory()}; run bench from the repository");
        if (!File.Exists(Python))
        {
            throw new UsageException($"--remote: {Python} not found; install Debian's python3 with python3-grpcio, python3-protobuf and python3-numpy");
        }

        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var process = Process.Start(new ProcessStartInfo(Python, [script, "--port", port.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var banner = process.StandardOutput.ReadLine();
        if (banner is null)
        {
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            throw new UsageException($"--remote: {script} did not start (is python3-grpcio installed?): {error.Trim()}");
        }

        process.BeginErrorReadLine();
        for (var i = 0; i < 200; i++)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                break;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        return new PolicyServerProcess(process, port);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private static string? Find(string relative)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relative);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
