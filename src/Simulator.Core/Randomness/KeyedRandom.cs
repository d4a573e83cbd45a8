namespace Simulator.Core.Randomness;

/// <summary>
/// Counter-based random numbers: every draw is a pure function of
/// (seed, stream, user, tick, item). No generator state is carried, so results do not depend on
/// thread count, batch split or shard placement, and every strategy's world sees the same noise
/// for the same user at the same moment (common random numbers).
/// </summary>
/// <remarks>
/// Only integer arithmetic and <see cref="MathF"/> calls: GPU kernels call these methods
/// directly, which is what makes CPU/GPU parity exact up to float rounding of the transcendental.
/// </remarks>
public static class KeyedRandom
{
    /// <summary>Item key used for draws that belong to no item (e.g. the no-click option).</summary>
    public const uint NoItem = 0xFFFF_FFFFu;

    /// <summary>SplitMix64 finaliser: a bijective avalanche mix of 64 bits.</summary>
    public static ulong Mix(ulong z)
    {
        z += 0x9E37_79B9_7F4A_7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>64 random bits keyed by the full coordinate of a draw.</summary>
    public static ulong Bits(ulong seed, uint stream, uint user, uint tick, uint item) =>
        BitsAt(UserTickKey(seed, stream, user, tick), item);

    /// <summary>
    /// The part of <see cref="Bits"/> that does not depend on the item: loops over every item of
    /// one user and tick compute it once and call <see cref="BitsAt"/> per item (one mix instead of three).
    /// </summary>
    public static ulong UserTickKey(ulong seed, uint stream, uint user, uint tick)
    {
        var h = Mix(seed ^ (0xD1B5_4A32_D192_ED03UL * (stream + 1UL)));
        return Mix(h ^ (((ulong)user << 32) | tick));
    }

    /// <summary>Bits(seed, stream, user, tick, item) from <see cref="UserTickKey"/>: identical values.</summary>
    public static ulong BitsAt(ulong userTickKey, uint item) => Mix(userTickKey ^ item);

    /// <summary>Uniform in the open interval (0, 1), 24 bits of resolution.</summary>
    public static float Uniform(ulong seed, uint stream, uint user, uint tick, uint item) =>
        ToOpenUnit(Bits(seed, stream, user, tick, item));

    /// <summary>Maps the top 24 bits to the open interval (0, 1); never 0 or 1, so logs are finite.</summary>
    public static float ToOpenUnit(ulong bits) => ((bits >> 40) + 0.5f) * (1.0f / 16777216.0f);

    /// <summary>Standard Gumbel draw, -ln(-ln U): the noise of Gumbel-max sampling.</summary>
    public static float Gumbel(ulong seed, uint stream, uint user, uint tick, uint item)
    {
        var u = Uniform(seed, stream, user, tick, item);
        return -MathF.Log(-MathF.Log(u));
    }

    /// <summary>
    /// No draw of <see cref="Normal"/> exceeds this in magnitude: u1 >= 2^-25 bounds the Box-Muller
    /// radius by sqrt(50 ln 2) = 5.887. Lets a top-k skip draws that cannot enter it.
    /// </summary>
    public const float NormalBound = 5.9f;

    /// <summary>Standard normal draw by Box-Muller on two keyed uniforms from one 64-bit draw.</summary>
    public static float Normal(ulong seed, uint stream, uint user, uint tick, uint item) =>
        NormalFromBits(Bits(seed, stream, user, tick, item));

    /// <summary>The standard normal draw of <see cref="Normal"/> from its 64 bits.</summary>
    public static float NormalFromBits(ulong bits)
    {
        var u1 = ((bits >> 40) + 0.5f) * (1.0f / 16777216.0f);
        var u2 = (((bits >> 16) & 0xFF_FFFFUL) + 0.5f) * (1.0f / 16777216.0f);
        return MathF.Sqrt(-2f * MathF.Log(u1)) * MathF.Cos(2f * MathF.PI * u2);
    }
}

/// <summary>Stream identifiers: one per independent source of noise, so draws never collide.</summary>
public static class RandomStreams
{
    public const uint PopulationInterest = 1;
    public const uint PopulationParameters = 2;
    public const uint CatalogEmbedding = 3;
    public const uint CatalogQuality = 4;
    public const uint Drift = 5;
    public const uint DriftEvent = 6;
    public const uint Choice = 7;
    public const uint Dwell = 8;
    public const uint Activity = 9;
    public const uint StrategyRandom = 10;
    public const uint StrategyTieBreak = 11;
    public const uint Arrival = 12;
    public const uint Bench = 13;
    public const uint Bootstrap = 14;
    public const uint StrategyColdStart = 15;
    public const uint StrategyThompson = 16;

    // Ranges reserved so parallel work never picks the same number: 20-29 users and drift,
    // 30-39 catalog and response, 40-49 strategies, 50-59 profiles and exports, 60+ free.
    public const uint PopulationSegment = 20;
    public const uint PopulationActivityRate = 21;
    public const uint PopulationDriftRate = 22;
    public const uint GradualThreshold = 23;
    public const uint DriftConcept = 24;
    public const uint SeasonalDirection = 25;
    public const uint ChurnReturn = 26;
    public const uint SpontaneousRecovery = 27;

    public const uint Profile = 50;

    /// <summary>Number of items arriving per tick (catalog dynamics).</summary>
    public const uint CatalogArrival = 30;

    /// <summary>Initial weights of the MLP strategies' networks.</summary>
    public const uint StrategyNetworkInit = 40;

    /// <summary>Which users form each training minibatch of the MLP strategies.</summary>
    public const uint StrategyMinibatch = 41;

    /// <summary>Initial latent factors of the matrix-factorisation strategies.</summary>
    public const uint StrategyFactorInit = 42;

    /// <summary>Initial weights of the sequence models (gru4rec, time-lstm, sasrec, tisasrec).</summary>
    public const uint StrategySequenceInit = 43;

    /// <summary>Which users form each training minibatch of the sequence models.</summary>
    public const uint StrategySequenceMinibatch = 44;
}
