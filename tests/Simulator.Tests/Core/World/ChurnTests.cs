using Simulator.Core.Compute;
using Simulator.Core.Scenarios;
using Simulator.Core.Simulation;
using Simulator.Core.Simulation.Stages;
using Simulator.Core.World;

namespace Simulator.Tests.Core.World;

/// <summary>Churn after sustained low utility and return visits, against the rules of <see cref="ChurnSpec"/>.</summary>
public sealed class ChurnTests
{
    [Fact]
    public void Users_leave_after_patience_low_ticks_and_return_at_the_return_rate()
    {
        const int users = 20_000;
        const float returnRate = 0.1f;
        var churn = new ChurnSpec(0.5f, 3, 0.5f, returnRate);
        var engine = new ReferenceEngine();
        using var world = new WorldState(engine, users, 1, 1);
        var arrived = Enumerable.Repeat((byte)1, users).ToArray();
        Array.Fill(world.ExpectedCtr.Host, 0.1f);

        // EMA e_t = 0.1 + 0.9 0.5^t over active ticks: 0.55 after tick 0's response (not low),
        // then 0.325, 0.2125, 0.156: three low ticks in a row -> everyone leaves at tick 4.
        var activeCounts = new List<int>();
        for (var tick = 0; tick <= 4; tick++)
        {
            ArriveStage.ApplyChurn(churn, 3, 0, tick, arrived, world, 0, users);
            activeCounts.Add(world.Active.Host.Count(a => a == 1));
        }

        Assert.Equal([users, users, users, users, 0], activeCounts);

        // From tick 5 each churned user returns with probability 0.1 per tick (keyed per user x tick);
        // a returned user starts again at e = 1 and cannot leave again before tick 9.
        var stillGone = users;
        for (var tick = 5; tick <= 7; tick++)
        {
            var before = world.Churn.Churned.Count(c => c == 1);
            ArriveStage.ApplyChurn(churn, 3, 0, tick, arrived, world, 0, users);
            var returned = before - world.Churn.Churned.Count(c => c == 1);
            var sd = Math.Sqrt(before * returnRate * (1 - returnRate));
            Assert.InRange(returned, (before * returnRate) - (4 * sd), (before * returnRate) + (4 * sd));
            Assert.Equal(users - world.Churn.Churned.Count(c => c == 1), world.Active.Host.Count(a => a == 1));
            stillGone = world.Churn.Churned.Count(c => c == 1);
        }

        Assert.True(stillGone < users);
    }

    /// <summary>Churn depends on what each world showed; the return draw is common to all worlds (common random numbers).</summary>
    [Fact]
    public void Churn_is_per_world_and_returns_use_common_random_numbers()
    {
        const int users = 2000;
        var churn = new ChurnSpec(0.5f, 2, 0.5f, 0.3f);
        var engine = new ReferenceEngine();
        using var pleased = new WorldState(engine, users, 1, 1);
        using var bored = new WorldState(engine, users, 1, 1);
        using var alsoBored = new WorldState(engine, users, 1, 1);
        Array.Fill(pleased.ExpectedCtr.Host, 0.9f);
        Array.Fill(bored.ExpectedCtr.Host, 0.05f);
        Array.Fill(alsoBored.ExpectedCtr.Host, 0.05f);
        var arrived = Enumerable.Range(0, users).Select(u => (byte)(u % 5 == 0 ? 0 : 1)).ToArray();
        for (var tick = 0; tick < 12; tick++)
        {
            foreach (var world in new[] { pleased, bored, alsoBored })
            {
                ArriveStage.ApplyChurn(churn, 9, 0, tick, arrived, world, 0, users);
            }

            Assert.Equal(arrived, pleased.Active.Host);
            Assert.Equal(bored.Active.Host, alsoBored.Active.Host);
            Assert.Equal(bored.Churn.Churned, alsoBored.Churn.Churned);
        }

        Assert.Contains(bored.Churn.Churned, c => c == 1);
        Assert.DoesNotContain(pleased.Churn.Churned, c => c == 1);
    }

    [Fact]
    public void Without_churn_active_users_are_the_arrivals()
    {
        var engine = new ReferenceEngine();
        using var world = new WorldState(engine, 50, 1, 1);
        var arrived = Enumerable.Range(0, 50).Select(u => (byte)(u % 3 == 0 ? 1 : 0)).ToArray();
        for (var tick = 0; tick < 20; tick++)
        {
            ArriveStage.ApplyChurn(ChurnSpec.Disabled, 3, 0, tick, arrived, world, 0, 50);
            Assert.Equal(arrived, world.Active.Host);
        }
    }
}
