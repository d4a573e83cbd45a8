"""A random policy: k distinct live items per user and tick, drawn from the session's seed.

    /usr/bin/python3 clients/python/examples/random_policy.py --port 50051
"""

import numpy as np

from _common import arguments
from simulator_policy import Policy, serve


class RandomPolicy(Policy):
    def start(self, info):
        self.info = info
        self.rng = np.random.default_rng(info.seed)

    def recommend(self, tick, users, live_items):
        k = self.info.k
        # Per user: the first k of a random permutation, via argpartition of random keys.
        keys = self.rng.random((len(users), live_items), dtype=np.float32)
        return np.argpartition(keys, k - 1, axis=1)[:, :k]


if __name__ == "__main__":
    args = arguments(__doc__)
    print(f"random policy on {args.host}:{args.port}", flush=True)
    serve(RandomPolicy, args.port, args.host)
