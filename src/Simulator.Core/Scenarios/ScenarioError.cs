namespace Simulator.Core.Scenarios;

/// <summary>
/// One problem in a scenario: where (JSON path, e.g. $.population.users, and the 1-based line of
/// the offending token when it comes from the file) and what was found and expected.
/// </summary>
public sealed record ScenarioError(string Path, string Message)
{
    /// <summary>1-based line in the scenario file; null when the value did not come from the file (e.g. --set).</summary>
    public int? Line { get; init; }

    /// <summary>
    /// The overrides behind the problem, e.g. "--set population.users=5": with no <see cref="Line"/>,
    /// they set the value; with one, they made the file's own value there invalid. Null otherwise.
    /// </summary>
    public string? Origin { get; init; }

    public override string ToString() =>
        (Line is int line ? $"line {line}: " : string.Empty) + $"{Path}: {Message}" +
        (Origin is null ? string.Empty : Line is null ? $" (from {Origin})" : $" (because of {Origin})");
}

/// <summary>Thrown when a scenario is invalid; carries every problem found, not just the first.</summary>
public sealed class ScenarioException : Exception
{
    public ScenarioException(IReadOnlyList<ScenarioError> errors)
        : base(string.Join("\n", errors)) => Errors = errors;

    public ScenarioException()
        : this([])
    {
    }

    public ScenarioException(string message)
        : this([new ScenarioError("$", message)])
    {
    }

    public ScenarioException(string message, Exception innerException)
        : base(message, innerException) => Errors = [new ScenarioError("$", message)];

    public IReadOnlyList<ScenarioError> Errors { get; }
}
