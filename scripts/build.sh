#!/usr/bin/env bash
# Configure and build rankwise (Release) into ./build (or $BUILD_DIR). Extra arguments go to
# cmake; BUILD_TARGET=rankwise builds only the executable.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
mkdir -p "$BUILD_DIR"
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-Release} "$@" > "$BUILD_DIR/configure.log" 2>&1 \
  || { cat "$BUILD_DIR/configure.log"; exit 1; }
cmake --build "$BUILD_DIR" -j "$(nproc)" ${BUILD_TARGET:+--target "$BUILD_TARGET"}
echo "build: $BUILD_DIR/bin/rankwise"
