namespace Simulator.Cluster;

/// <summary>A cluster run that cannot go on (silo lost, gateway unreachable, timeout): the message is for the user.</summary>
public sealed class ClusterRunException(string message) : Exception(message);

/// <summary>Short failure texts: Orleans messages carry pages of diagnostics that would bury the point.</summary>
public static class FailureText
{
    private const int MaxLength = 160;

    /// <summary>"TypeName: first sentence of the message", at most about 160 characters.</summary>
    public static string Brief(Exception e)
    {
        var message = e.Message.ReplaceLineEndings(" ");
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        if (end >= 0)
        {
            message = message[..end];
        }

        if (message.Length > MaxLength)
        {
            message = message[..MaxLength] + "...";
        }

        return $"{e.GetType().Name}: {message}";
    }
}
