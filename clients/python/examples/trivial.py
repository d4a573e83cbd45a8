"""The cheapest possible policy: user u's slate at tick t is (u + t + j) mod live, j < k.
It measures the protocol itself (bench's remote stage), not a model.

    /usr/bin/python3 clients/python/examples/trivial.py --port 50051
"""

import numpy as np

from _common import arguments
from simulator_policy import Policy, serve


class TrivialPolicy(Policy):
    def recommend(self, tick, users, live_items):
        k = self.info.k
        return (users[:, None] + tick + np.arange(k, dtype=np.int32)[None, :]) % live_items


if __name__ == "__main__":
    args = arguments(__doc__)
    print(f"trivial policy on {args.host}:{args.port}", flush=True)
    serve(TrivialPolicy, args.port, args.host)
