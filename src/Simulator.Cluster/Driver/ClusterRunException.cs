namespace Simulator.Cluster;

/// <summary>A cluster run that cannot go on (silo lost, gateway unreachable, timeout): the message is for the user.</summary>
public sealed class ClusterRunException(string message) : Exception(message);
