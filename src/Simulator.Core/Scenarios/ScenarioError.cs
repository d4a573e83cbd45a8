namespace Simulator.Core.Scenarios;

/// <summary>One problem in a scenario: where (JSON path, e.g. $.population.users) and what was expected.</summary>
public sealed record ScenarioError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>Thrown when a scenario is invalid; carries every problem found, not just the first.</summary>
public sealed class ScenarioException : Exception
{
    public ScenarioException(IReadOnlyList<ScenarioError> errors)
        : base(string.Join(Environment.NewLine, errors)) => Errors = errors;

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
