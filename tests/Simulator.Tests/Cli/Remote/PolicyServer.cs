using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Simulator.Tests.Support;

namespace Simulator.Tests.Cli.Remote;

/// <summary>
/// A Python policy server from clients/python, started on a free loopback port with Debian's
/// /usr/bin/python3 (the interpreter with python3-grpcio, -protobuf and -numpy; .ci/run installs
/// them). Killed on dispose.
/// </summary>
internal sealed class PolicyServer : IDisposable
{
    public const string Python = "/usr/bin/python3";

    private readonly Process _process;

    private PolicyServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    public bool HasExited => _process.HasExited;

    /// <summary>Whether the Python side can run here (else the tests that need it skip).</summary>
    public static bool Available { get; } = CheckAvailable();

    /// <summary>Starts clients/python/<paramref name="script"/> with --port and <paramref name="args"/>; returns once it listens.</summary>
    public static PolicyServer Start(string script, params string[] args)
    {
        var port = FreePort();
        var info = new ProcessStartInfo(Python, [Path.Combine(TestScenarios.RepoRoot(), "clients", "python", script), "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(info)!;
        var line = process.StandardOutput.ReadLine();
        process.BeginErrorReadLine();
        if (line is null || !line.Contains("policy on", StringComparison.Ordinal))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{script} did not start: {line}");
        }

        // The banner comes just before serve() binds: wait until the port accepts.
        for (var i = 0; i < 100; i++)
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

        return new PolicyServer(process, port);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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

    private static bool CheckAvailable()
    {
        if (!File.Exists(Python))
        {
            return false;
        }

        using var process = Process.Start(new ProcessStartInfo(Python, ["-c", "import grpc, google.protobuf, numpy"]) { RedirectStandardError = true })!;
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0;
    }
}
