using Simulator.Core.Results;
using Simulator.Storage.RunFolders;

namespace Simulator.Cluster.Tests;

/// <summary>Asserts that two runs write the same summary.json, metrics.csv, exposure.csv and example-users.json.</summary>
internal static class SameRunFiles
{
    public static void Assert(RunResult expected, RunResult actual)
    {
        Xunit.Assert.Equal(SummaryJson.Write(expected), SummaryJson.Write(actual));
        using (var expectedCsv = new StringWriter())
        using (var actualCsv = new StringWriter())
        {
            MetricsCsv.Write(expected, expectedCsv);
            MetricsCsv.Write(actual, actualCsv);
            Xunit.Assert.Equal(expectedCsv.ToString(), actualCsv.ToString());
        }

        Xunit.Assert.NotNull(expected.ItemExposure);
        using (var expectedExposure = new StringWriter())
        using (var actualExposure = new StringWriter())
        {
            ExposureCsv.Write(expected.Strategies, expected.ItemExposure, expectedExposure);
            ExposureCsv.Write(actual.Strategies, actual.ItemExposure!, actualExposure);
            Xunit.Assert.Equal(expectedExposure.ToString(), actualExposure.ToString());
        }

        Xunit.Assert.NotEmpty(expected.ExampleUsers);
        Xunit.Assert.Equal(ExampleUsersJson.Write(expected.ExampleUsers), ExampleUsersJson.Write(actual.ExampleUsers));
    }
}
