using Simulator.Core.Results;
using Simulator.Core.Statistics;

namespace Simulator.Storage.RunFolders;

/// <summary>What the reader takes from summary.json: seeds, strategies, their metric summaries and parameter recovery.</summary>
internal sealed record SummaryFacts(
    string Scenario,
    IReadOnlyList<ulong> Seeds,
    int? Ticks,
    IReadOnlyList<string> Strategies,
    IReadOnlyDictionary<string, Dictionary<string, MetricSummary>> Table,
    IReadOnlyList<ParameterRecoveryResult> ParameterRecovery);
