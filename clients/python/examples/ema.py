"""The built-in `ema` strategy written again in numpy, served over the policy protocol.

User vector e_u: starts at (1/d)(1 + 0.1 z) with z the simulator's keyed normal draws (stream
StrategyTieBreak), so it starts where the built-in starts; on a click of item i,
e_u <- (1 - alpha) e_u + alpha x_i; the slate is the top-k of <e_u, x> over the live items
(ties to the smaller item index).

    /usr/bin/python3 clients/python/examples/ema.py --port 50051
"""

import numpy as np

from _common import arguments
from simulator_policy import Policy, serve
from simulator_policy.keyed import STRATEGY_TIE_BREAK, normal


class EmaPolicy(Policy):
    def start(self, info):
        self.info = info
        self.alpha = np.float32(info.parameters.get("alpha", 0.3))
        d = info.dim
        users = np.arange(info.users, dtype=np.uint64)[:, None]
        topics = np.arange(d, dtype=np.uint64)[None, :]
        z = normal(info.seed, STRATEGY_TIE_BREAK, users, 0, topics)
        self.e = (np.float32(1.0) / np.float32(d)) * (np.float32(1.0) + np.float32(0.1) * z)
        self.x = info.item_vectors

    def recommend(self, tick, users, live_items):
        k = self.info.k
        scores = self.e[users] @ self.x[:live_items].T
        # Best first; equal scores -> smaller item first (a stable sort of the negated scores).
        order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
        return order, np.take_along_axis(scores, order, axis=1)

    def learn(self, tick, users, slates, chosen, dwell):
        clicked = chosen >= 0
        if not clicked.any():
            return
        who = users[clicked]
        items = slates[clicked, chosen[clicked]]
        one = np.float32(1.0)
        self.e[who] = ((one - self.alpha) * self.e[who]) + (self.alpha * self.x[items])

    def get_state(self):
        return self.e.astype(np.float32).tobytes()

    def set_state(self, state):
        self.e = np.frombuffer(state, dtype=np.float32).reshape(self.info.users, self.info.dim).copy()


if __name__ == "__main__":
    args = arguments(__doc__)
    print(f"ema policy on {args.host}:{args.port}", flush=True)
    serve(EmaPolicy, args.port, args.host)
