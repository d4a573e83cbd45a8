using Simulator.Storage.RunFolders;
using Simulator.Tests.Reporting;
using Xunit;

namespace Simulator.Tests.Storage.RunFolders;

/// <summary>The run files behind the Lorenz curve and the example-user panel: example-users.json and exposure.csv.</summary>
public sealed class ExposureAndExampleUserTests
{
    [Fact]
    public void Example_users_file_round_trips_exactly_including_missing_estimates()
    {
        var users = SyntheticRun.Create().ExampleUsers;
        var text = ExampleUsersJson.Write(users);
        var back = ExampleUsersJson.Read("example-users.json", text);
        Assert.Equal(text, ExampleUsersJson.Write(back));
        Assert.Equal(users[1].Profile, back[1].Profile);
        Assert.True(float.IsNaN(back[0].Strategies[0].Estimate[0]));
        Assert.Equal(users[2].Strategies[1].Truth, back[2].Strategies[1].Truth);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"users\":[{\"seed\":1}]}")]
    [InlineData("{\"users\":[{\"seed\":1,\"user\":0,\"name\":\"a\",\"locale\":\"de\",\"segment\":\"s\",\"forgetting_time_scale\":2,\"dim\":3,\"strategies\":[{\"strategy\":\"ema\",\"truth\":[1,2],\"estimate\":[1,2]}]}]}")]
    public void Malformed_example_users_file_names_the_file(string text)
    {
        var e = Assert.Throws<RunFolderException>(() => ExampleUsersJson.Read("/run/example-users.json", text));
        Assert.StartsWith("/run/example-users.json: malformed", e.Message);
    }

    [Fact]
    public void Exposure_file_round_trips_and_bad_lines_are_named()
    {
        string[] strategies = ["random", "ema"];
        long[][] counts = [[1, 0, 7], [3, 3, 0]];
        using var writer = new StringWriter();
        ExposureCsv.Write(strategies, counts, writer);
        var text = writer.ToString();
        Assert.Equal(counts, ExposureCsv.Read("exposure.csv", text, strategies, 3));

        var e = Assert.Throws<RunFolderException>(() => ExposureCsv.Read("exposure.csv", text.Replace("ema,2,0", "ema,9,0"), strategies, 3));
        Assert.StartsWith("exposure.csv:7:", e.Message);
        e = Assert.Throws<RunFolderException>(() => ExposureCsv.Read("exposure.csv", text.Replace("random,1,0", "oracle,1,0"), strategies, 3));
        Assert.StartsWith("exposure.csv:3:", e.Message);
        Assert.Throws<RunFolderException>(() => ExposureCsv.Read("exposure.csv", "item,count\n", strategies, 3));
    }
}
