using System.Globalization;
using System.Net;

namespace Simulator.Cli.Infrastructure;

/// <summary>Parses HOST:PORT options (--cluster, --primary) into endpoints, with usage errors that show the expected form.</summary>
public static class EndpointOption
{
    public static EndPoint Parse(string option, string value)
    {
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new UsageException($"option --{option}: expected HOST:PORT (e.g. localhost:30000), found \"{value}\"");
        }

        var host = value[..colon].Trim('[', ']');
        return IPAddress.TryParse(host, out var address) ? new IPEndPoint(address, port) : new DnsEndPoint(host, port);
    }

    /// <summary>An IP endpoint: host names are resolved now (IPv4 preferred), since silo endpoints must be addresses.</summary>
    public static IPEndPoint ParseAddress(string option, string value)
    {
        var endpoint = Parse(option, value);
        if (endpoint is IPEndPoint ip)
        {
            return ip;
        }

        var dns = (DnsEndPoint)endpoint;
        try
        {
            var addresses = Dns.GetHostAddresses(dns.Host);
            var address = addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) ?? addresses.First();
            return new IPEndPoint(address, dns.Port);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or InvalidOperationException)
        {
            throw new UsageException($"option --{option}: cannot resolve host \"{dns.Host}\"");
        }
    }
}
