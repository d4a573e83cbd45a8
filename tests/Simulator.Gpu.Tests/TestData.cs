namespace Simulator.Gpu.Tests;

/// <summary>Seeded test inputs (System.Random with literal seeds: the data only has to be fixed, not keyed).</summary>
internal static class TestData
{
    public static float[] Floats(int seed, int length, float low, float high)
    {
        var rng = new Random(seed);
        var a = new float[length];
        for (var i = 0; i < length; i++)
        {
            a[i] = low + ((high - low) * (float)rng.NextDouble());
        }

        return a;
    }

    /// <summary>Small integers as floats: dot products of these are exact, so ties are exact too.</summary>
    public static float[] SmallIntegers(int seed, int length, int low, int highExclusive)
    {
        var rng = new Random(seed);
        var a = new float[length];
        for (var i = 0; i < length; i++)
        {
            a[i] = rng.Next(low, highExclusive);
        }

        return a;
    }

    public static int[] Ints(int seed, int length, int low, int highExclusive)
    {
        var rng = new Random(seed);
        var a = new int[length];
        for (var i = 0; i < length; i++)
        {
            a[i] = rng.Next(low, highExclusive);
        }

        return a;
    }

    /// <summary>Runs synchronous kernel work off the test thread so that xunit's Timeout applies.</summary>
    public static Task Run(Action work) => Task.Run(work);
}
