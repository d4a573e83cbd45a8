"""A recommendation policy for the simulator, served over gRPC (protocol/policy.proto).

Subclass :class:`Policy`, then ``serve(MyPolicy, port)``. The simulator is the client: for each
seed of a run it opens a session (``start``), then every tick asks for one slate of k distinct
live items per active user (``recommend``) and reports what those users did (``learn``).
Arrays arrive as numpy arrays, one batch per tick.
"""

from __future__ import annotations

import itertools
import threading
from concurrent import futures
from dataclasses import dataclass, field
from typing import Callable, Dict, Optional, Tuple, Union

import grpc
import numpy as np

from . import policy_pb2 as pb
from . import policy_pb2_grpc as pb_grpc

PROTOCOL_VERSION = 1

__all__ = ["Policy", "StartInfo", "serve", "PROTOCOL_VERSION"]


@dataclass
class StartInfo:
    """What a session starts with: sizes, the seed and the catalog's observable items."""

    strategy: str
    users: int
    dim: int
    k: int
    items: int
    live_items: int
    seed: int
    item_vectors: np.ndarray  # float32 [items, dim]
    item_topics: np.ndarray  # int32 [items]
    parameters: Dict[str, float] = field(default_factory=dict)
    timeout: float = 30.0


class Policy:
    """Base class of a policy. One instance serves one session (one seed of one strategy world).

    Override ``start``, ``recommend`` and ``learn``; ``get_state``/``set_state`` when the policy
    should survive a checkpoint and resume. Draw any randomness from ``info.seed`` so that a run
    reproduces.
    """

    def start(self, info: StartInfo) -> None:
        self.info = info

    def recommend(self, tick: int, users: np.ndarray, live_items: int) -> Union[np.ndarray, Tuple[np.ndarray, np.ndarray]]:
        """Return int array [len(users), k]: k distinct items in [0, live_items) per user, best first;
        or (items, scores) with float scores of the same shape (checked for NaN)."""
        raise NotImplementedError

    def learn(self, tick: int, users: np.ndarray, slates: np.ndarray, chosen: np.ndarray, dwell: np.ndarray) -> None:
        """slates [n, k] as shown; chosen [n], the position clicked or -1; dwell [n], 0 without a click."""

    def get_state(self) -> bytes:
        return b""

    def set_state(self, state: bytes) -> None:
        pass


PolicyFactory = Union[Callable[[], Policy], Policy]


class _Servicer(pb_grpc.PolicyServicer):
    def __init__(self, factory: Callable[[], Policy]):
        self._factory = factory
        self._sessions: Dict[str, Policy] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def _session(self, name: str, context) -> Policy:
        policy = self._sessions.get(name)
        if policy is None:
            context.abort(grpc.StatusCode.NOT_FOUND, f"no session {name!r}; call Start first")
        return policy

    def Hello(self, request, context):
        return pb.HelloReply(version=PROTOCOL_VERSION, server="simulator_policy (python)")

    def Start(self, request, context):
        vectors = np.asarray(request.item_vectors, dtype=np.float32).reshape(request.items, request.dim)
        info = StartInfo(
            strategy=request.strategy,
            users=request.users,
            dim=request.dim,
            k=request.k,
            items=request.items,
            live_items=request.live_items,
            seed=request.seed,
            item_vectors=vectors,
            item_topics=np.asarray(request.item_topics, dtype=np.int32),
            parameters=dict(request.parameters),
            timeout=request.timeout,
        )
        policy = self._factory()
        policy.start(info)
        with self._lock:
            name = f"s{next(self._ids)}"
            self._sessions[name] = policy
        return pb.StartReply(session=name)

    def Recommend(self, request, context):
        policy = self._session(request.session, context)
        users = np.asarray(request.users, dtype=np.int32)
        result = policy.recommend(request.tick, users, request.live_items)
        scores = None
        if isinstance(result, tuple):
            result, scores = result
        reply = pb.RecommendReply(items=np.asarray(result, dtype=np.int32).ravel().tolist())
        if scores is not None:
            reply.scores.extend(np.asarray(scores, dtype=np.float32).ravel().tolist())
        return reply

    def Learn(self, request, context):
        policy = self._session(request.session, context)
        n = len(request.users)
        users = np.asarray(request.users, dtype=np.int32)
        slates = np.asarray(request.slates, dtype=np.int32).reshape(n, -1) if n else np.zeros((0, 0), np.int32)
        policy.learn(request.tick, users, slates, np.asarray(request.chosen, dtype=np.int32), np.asarray(request.dwell, dtype=np.float32))
        return pb.LearnReply()

    def GetState(self, request, context):
        return pb.StateReply(state=self._session(request.session, context).get_state())

    def SetState(self, request, context):
        self._session(request.session, context).set_state(request.state)
        return pb.StateReply()

    def Stop(self, request, context):
        with self._lock:
            self._sessions.pop(request.session, None)
        return pb.StopReply()


def serve(policy: PolicyFactory, port: int, host: str = "127.0.0.1", block: bool = True, workers: int = 4) -> grpc.Server:
    """Serve ``policy`` on host:port. ``policy`` is a Policy subclass or a factory (one new
    instance per session), or an instance (shared by every session). With ``block`` the call
    returns only when the server stops; otherwise it returns the started server."""
    if isinstance(policy, Policy):
        instance = policy
        factory: Callable[[], Policy] = lambda: instance  # noqa: E731
    else:
        factory = policy
    options = [("grpc.max_send_message_length", -1), ("grpc.max_receive_message_length", -1)]
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=workers), options=options)
    pb_grpc.add_PolicyServicer_to_server(_Servicer(factory), server)
    bound = server.add_insecure_port(f"{host}:{port}")
    if bound == 0:
        raise RuntimeError(f"cannot listen on {host}:{port}")
    server.start()
    if block:
        server.wait_for_termination()
    return server
