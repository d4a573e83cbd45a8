using System.Net;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using Simulator.Cluster.Placement;

namespace Simulator.Cluster.Tests;

/// <summary>Slot placement is deterministic, spreads consecutive slots over all silos, and honours a compatible hint.</summary>
public sealed class PlacementTests
{
    private static readonly SiloAddress[] Silos =
        [Silo(11113), Silo(11111), Silo(11112)];

    [Fact]
    public async Task Consecutive_slots_land_on_silos_in_address_order()
    {
        var director = new SiloSlotPlacementDirector();
        var placed = new List<SiloAddress>();
        for (var slot = 0; slot < 6; slot++)
        {
            placed.Add(await director.OnAddActivation(new SiloSlotPlacement(), Target(slot, []), new Context(Silos)));
        }

        Assert.Equal([11111, 11112, 11113, 11111, 11112, 11113], placed.Select(s => s.Endpoint.Port));
    }

    [Fact]
    public async Task A_compatible_hint_wins_over_the_slot()
    {
        var director = new SiloSlotPlacementDirector();
        var hint = new Dictionary<string, object> { [IPlacementDirector.PlacementHintKey] = Silos[0] };

        var placed = await director.OnAddActivation(new SiloSlotPlacement(), Target(0, hint), new Context(Silos));

        Assert.Equal(11113, placed.Endpoint.Port);
    }

    private static SiloAddress Silo(int port) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 1);

    private static PlacementTarget Target(long slot, Dictionary<string, object> context) =>
        new(GrainId.Create(GrainType.Create("seedworker"), GrainIdKeyExtensions.CreateIntegerKey(slot, "run")), context, default, 0);

    private sealed class Context(SiloAddress[] silos) : IPlacementContext
    {
        public SiloAddress LocalSilo => silos[0];

        public SiloStatus LocalSiloStatus => SiloStatus.Active;

        public SiloAddress[] GetCompatibleSilos(PlacementTarget target) => silos;

        public IReadOnlyDictionary<ushort, SiloAddress[]> GetCompatibleSilosWithVersions(PlacementTarget target) =>
            new Dictionary<ushort, SiloAddress[]> { [0] = silos };
    }
}
