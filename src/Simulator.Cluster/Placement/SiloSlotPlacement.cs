using Orleans;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Simulator.Cluster.Placement;

/// <summary>
/// Deterministic spread over silos: grain slot i (the integer part of its key) goes to the i-th
/// silo in address order, or to the silo its caller names through the placement hint. Orleans'
/// default placement does not spread a handful of grains evenly, and work grains must not pile up
/// on one silo while others idle.
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class SiloSlotPlacement : PlacementStrategy
{
}

/// <summary>Marks a grain class for <see cref="SiloSlotPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloSlotPlacementAttribute() : PlacementAttribute(new SiloSlotPlacement());

/// <summary>Places by hint when the hinted silo is compatible, else by slot modulo the sorted compatible silos.</summary>
public sealed class SiloSlotPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        if (silos.Length == 0)
        {
            throw new InvalidOperationException($"no compatible silo is available for {target.GrainIdentity}");
        }

        if (IPlacementDirector.GetPlacementHint(target.RequestContextData, silos) is { } hinted)
        {
            return Task.FromResult(hinted);
        }

        var sorted = silos.Order().ToArray();
        var slot = target.GrainIdentity.GetIntegerKey(out _);
        return Task.FromResult(sorted[(int)((ulong)slot % (ulong)sorted.Length)]);
    }
}
