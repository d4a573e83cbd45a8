"""A policy server that misbehaves on purpose at a given tick (for the simulator's tests).

    faulty_server.py --port P --fault die|sleep|short|nan|slow-hello --tick T

slow-hello answers the hello before the run 2 s late and then behaves.
"""

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import simulator_policy  # noqa: E402
from simulator_policy import Policy, serve  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--fault", choices=["die", "sleep", "short", "nan", "slow-hello"], required=True)
    parser.add_argument("--tick", type=int, default=2)
    args = parser.parse_args()

    class Faulty(Policy):
        def recommend(self, tick, users, live_items):
            k = self.info.k
            items = (users[:, None] + tick + np.arange(k)[None, :]) % live_items
            scores = np.ones(items.shape, dtype=np.float32)
            if tick == args.tick:
                if args.fault == "die":
                    os._exit(3)
                if args.fault == "sleep":
                    time.sleep(30)
                if args.fault == "short":
                    return items[:, :-1]
                if args.fault == "nan":
                    scores[1, 2] = np.nan
            return items, scores

    if args.fault == "slow-hello":
        hello = simulator_policy._Servicer.Hello

        def slow_hello(self, request, context):
            time.sleep(2)
            return hello(self, request, context)

        simulator_policy._Servicer.Hello = slow_hello

    print(f"faulty policy on 127.0.0.1:{args.port}", flush=True)
    serve(Faulty, args.port)


if __name__ == "__main__":
    main()
