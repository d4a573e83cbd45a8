"""The Python side of the policy protocol: the package, the examples' math, a round trip over gRPC."""

import os
import socket
import sys

import grpc
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "examples"))

from simulator_policy import Policy, serve, policy_pb2 as pb, policy_pb2_grpc as pb_grpc  # noqa: E402
from simulator_policy.keyed import bits, normal  # noqa: E402
from ema import EmaPolicy  # noqa: E402
from trivial import TrivialPolicy  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_request(users=6, dim=4, k=3, items=10, seed=7, **parameters):
    rng = np.random.default_rng(0)
    request = pb.StartRequest(strategy="t", users=users, dim=dim, k=k, items=items, live_items=items, seed=seed, timeout=5)
    request.item_vectors.extend(rng.random(items * dim).astype(np.float32).tolist())
    request.item_topics.extend(list(range(items)))
    for key, value in parameters.items():
        request.parameters[key] = value
    return request


def test_keyed_bits_are_splitmix_of_the_key_and_normals_are_finite():
    a = bits(42, 11, np.arange(5, dtype=np.uint64), 0, 3)
    b = bits(42, 11, np.arange(5, dtype=np.uint64), 0, 3)
    assert (a == b).all() and len(set(a.tolist())) == 5
    z = normal(42, 11, np.arange(1000, dtype=np.uint64), 0, 0)
    assert z.dtype == np.float32 and np.isfinite(z).all()
    assert abs(float(z.mean())) < 0.15 and 0.8 < float(z.std()) < 1.2


def test_ema_policy_updates_only_clicked_users_toward_the_clicked_item():
    policy = EmaPolicy()
    request = start_request(alpha=0.5)
    from simulator_policy import StartInfo

    info = StartInfo("t", 6, 4, 3, 10, 10, 7, np.asarray(request.item_vectors, np.float32).reshape(10, 4), np.arange(10, dtype=np.int32), {"alpha": 0.5})
    policy.start(info)
    before = policy.e.copy()
    users = np.array([0, 2], dtype=np.int32)
    items, scores = policy.recommend(0, users, 10)
    assert items.shape == (2, 3) and all(len(set(row)) == 3 for row in items.tolist())
    assert (np.diff(scores, axis=1) <= 0).all()
    policy.learn(0, users, items, np.array([1, -1], dtype=np.int32), np.zeros(2, np.float32))
    expected = np.float32(0.5) * before[0] + np.float32(0.5) * info.item_vectors[items[0, 1]]
    assert np.array_equal(policy.e[0], expected)
    assert np.array_equal(policy.e[2], before[2])


def test_a_session_round_trips_over_grpc():
    port = free_port()
    server = serve(TrivialPolicy, port, block=False)
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = pb_grpc.PolicyStub(channel)
            assert stub.Hello(pb.HelloRequest(version=1), timeout=5).version == 1
            session = stub.Start(start_request(), timeout=5).session
            reply = stub.Recommend(pb.RecommendRequest(session=session, tick=2, live_items=10, users=[1, 4]), timeout=5)
            assert list(reply.items) == [3, 4, 5, 6, 7, 8]
            stub.Learn(pb.LearnRequest(session=session, tick=2, users=[1, 4], slates=list(reply.items), chosen=[0, -1], dwell=[1.5, 0]), timeout=5)
            assert stub.GetState(pb.StateRequest(session=session), timeout=5).state == b""
            stub.Stop(pb.StopRequest(session=session), timeout=5)
            try:
                stub.Recommend(pb.RecommendRequest(session=session, tick=3, live_items=10, users=[1]), timeout=5)
                raise AssertionError("a stopped session answered")
            except grpc.RpcError as e:
                assert e.code() == grpc.StatusCode.NOT_FOUND
    finally:
        server.stop(0)


def test_the_base_policy_keeps_no_state():
    policy = Policy()
    assert policy.get_state() == b""
    policy.set_state(b"")
