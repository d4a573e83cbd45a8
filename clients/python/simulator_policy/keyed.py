"""The simulator's keyed random numbers (Core's KeyedRandom), vectorised in numpy.

Every draw is a pure function of (seed, stream, user, tick, item): SplitMix64 mixing of the key.
A policy that wants to start exactly where a built-in strategy starts (the numpy ema example)
draws the same numbers with these.
"""

import numpy as np

_M = np.uint64(0xFFFFFFFFFFFFFFFF)

# Stream numbers of Core's RandomStreams used by strategies.
STRATEGY_RANDOM = 10
STRATEGY_TIE_BREAK = 11
STRATEGY_COLD_START = 15


def _mix(z: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        z = z + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def bits(seed: int, stream: int, user, tick, item) -> np.ndarray:
    """64 random bits per (user, tick, item), broadcast over arrays."""
    with np.errstate(over="ignore"):
        h = _mix(np.uint64(seed) ^ (np.uint64(0xD1B54A32D192ED03) * np.uint64(stream + 1)))
        user = np.asarray(user, dtype=np.uint64)
        tick = np.asarray(tick, dtype=np.uint64)
        key = _mix(h ^ ((user << np.uint64(32)) | tick))
        return _mix(key ^ np.asarray(item, dtype=np.uint64))


def normal(seed: int, stream: int, user, tick, item) -> np.ndarray:
    """Standard normal draws by Box-Muller, float32, as Core computes them (float32 arithmetic;
    log and cos rounded from double precision, which glibc's float functions agree with)."""
    b = bits(seed, stream, user, tick, item)
    scale = np.float32(1.0 / 16777216.0)
    u1 = ((b >> np.uint64(40)).astype(np.float32) + np.float32(0.5)) * scale
    u2 = (((b >> np.uint64(16)) & np.uint64(0xFFFFFF)).astype(np.float32) + np.float32(0.5)) * scale
    log_u1 = np.log(u1.astype(np.float64)).astype(np.float32)
    radius = np.sqrt(np.float32(-2.0) * log_u1)
    angle = (np.float32(2.0) * np.float32(np.pi)) * u2
    return radius * np.cos(angle.astype(np.float64)).astype(np.float32)
