namespace Simulator.Core.Simulation;

/// <summary>
/// Stops a run whose strategy recommended an item that has not arrived yet (items [0, live) are
/// live). A strategy that ranks over the catalog's capacity instead of <c>Catalog.LiveCount</c>
/// would otherwise show users items that do not exist yet, silently.
/// </summary>
internal static class LiveItemGuard
{
    public static void Check(int[] slates, byte[] active, int k, int live, string strategy, int tick)
    {
        for (var u = 0; u < active.Length; u++)
        {
            if (active[u] == 0)
            {
                continue;
            }

            for (var j = 0; j < k; j++)
            {
                var item = slates[(u * k) + j];
                if ((uint)item >= (uint)live)
                {
                    throw new InvalidOperationException(
                        $"strategy {strategy} recommended item {item} to user {u} at tick {tick}, but only items 0..{live - 1} are live");
                }
            }
        }
    }
}
