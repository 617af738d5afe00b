#!/usr/bin/env bash
# Build Steunpunt's container image from wheels, with no network inside the build.
#
#   deploy/build-image.sh            # → steunpunt:<version> and steunpunt:latest
#
# Step 1 (needs PyPI): the project's own wheel and a wheel of every runtime dependency for
#   the image's Python (CPython 3.11 on Debian bookworm, this machine's architecture) go to
#   dist/wheels/. Dependencies are binary wheels only; nothing is compiled.
# Step 2 (no network): `docker build --network=none` installs from dist/wheels/ alone
#   (`pip install --no-index`), so the image holds exactly those wheels.
#
# Settings (environment): PYTHON (the Python that runs pip; default python3), IMAGE (name,
# default steunpunt), PYTHON_IMAGE (base image; default python:3.11-slim-bookworm, pulled
# first if it is not on the machine), ARCH (default: this machine's, e.g. x86_64 or aarch64),
# SKIP_WHEELS=1 (reuse dist/wheels/).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
wheels="$repo/dist/wheels"
PYTHON=${PYTHON:-python3}
IMAGE=${IMAGE:-steunpunt}
PYTHON_IMAGE=${PYTHON_IMAGE:-python:3.11-slim-bookworm}
ARCH=${ARCH:-$(uname -m)}
# Wheels that run on glibc 2.36 (bookworm): every manylinux tag up to it.
platforms=()
for minor in $(seq 36 -1 5); do platforms+=(--platform "manylinux_2_${minor}_$ARCH"); done
platforms+=(--platform "manylinux2014_$ARCH" --platform "manylinux2010_$ARCH")
platforms+=(--platform "manylinux1_$ARCH")

if [ "${SKIP_WHEELS:-0}" != 1 ]; then
    rm -rf "$wheels"
    mkdir -p "$wheels"
    echo "== the project's wheel"
    "$PYTHON" -m pip wheel --quiet --no-deps --wheel-dir "$wheels" "$repo"
    project_wheel=$(ls "$wheels"/steunpunt-*.whl)
    echo "== runtime dependencies for CPython 3.11 on Linux $ARCH, glibc ≤ 2.36 (binary wheels only)"
    # The project's wheel as the requirement: its runtime dependencies, no dev extras.
    "$PYTHON" -m pip download --quiet --dest "$wheels" --only-binary=:all: \
        "${platforms[@]}" --python-version 3.11 --implementation cp --abi cp311 \
        "$project_wheel"
fi
project_wheel=$(ls "$wheels"/steunpunt-*.whl)
version=$(basename "$project_wheel" | cut -d- -f2)
echo "$(find "$wheels" -name "*.whl" | wc -l) wheels in $wheels"

if ! docker image inspect "$PYTHON_IMAGE" >/dev/null 2>&1; then
    echo "== pulling the base image $PYTHON_IMAGE"
    docker pull "$PYTHON_IMAGE"
fi
echo "== docker build --network=none"
docker build --network=none --pull=false \
    --build-arg "PYTHON_IMAGE=$PYTHON_IMAGE" \
    --file "$repo/deploy/Dockerfile" \
    --tag "$IMAGE:$version" --tag "$IMAGE:latest" \
    "$repo"
echo "Built $IMAGE:$version (also tagged $IMAGE:latest)."
