#!/usr/bin/env bash
# Regenerates the Python stubs of protocol/policy.proto into simulator_policy/ with Debian's
# grpc tools (apt-get install -y python3-grpc-tools). The stubs are committed, so using the client
# needs only python3-grpcio and python3-protobuf.
set -euo pipefail
cd "$(dirname "$0")"
/usr/bin/python3 -m grpc_tools.protoc -I ../../protocol --python_out=simulator_policy --grpc_python_out=simulator_policy ../../protocol/policy.proto
# The generated service module imports its messages as a top-level module; make it package-relative.
sed -i 's/^import policy_pb2 as policy__pb2/from . import policy_pb2 as policy__pb2/' simulator_policy/policy_pb2_grpc.py
