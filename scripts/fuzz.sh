#!/usr/bin/env bash
# Build the libFuzzer harnesses (clang, ASan + UBSan, coverage on rankwise_core) into
# build-fuzz and run each for FUZZ_SECONDS (default 60) on a generated seed corpus.
# Exit status: non-zero if any harness found a crash, a sanitizer report, a leak of a
# non-rankwise exception, an out-of-memory or a timeout; the reproducer is left in
# build-fuzz/artifacts/ (replay: build-fuzz/bin/<harness> <file>).
#   FUZZ_SECONDS=600 bash scripts/fuzz.sh          # longer local session
#   FUZZ_HARNESSES=fuzz_shapefile bash scripts/fuzz.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD=${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
SECONDS_EACH=${FUZZ_SECONDS:-60}
HARNESSES=${FUZZ_HARNESSES:-"fuzz_shapefile fuzz_nbody_hdf5"}
JOBS=${FUZZ_BUILD_JOBS:-$(nproc)}

# Debian packages the fuzz build needs beyond scripts/setup.sh (idempotent).
need=()
for p in clang libclang-rt-14-dev libomp-14-dev python3-h5py; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if ((${#need[@]})); then
  SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi

mkdir -p "$BUILD"
FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -gline-tables-only"
CC=clang CXX=clang++ cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DRANKWISE_FUZZ=ON \
  -DRANKWISE_BUILD_TESTS=OFF -DRANKWISE_BUILD_BENCH=OFF \
  -DCMAKE_C_FLAGS="$FLAGS" -DCMAKE_CXX_FLAGS="$FLAGS" > "$BUILD/configure.log" 2>&1 \
  || { cat "$BUILD/configure.log"; exit 1; }
# shellcheck disable=SC2086
cmake --build "$BUILD" -j "$JOBS" --target $HARNESSES

SEEDS="$BUILD/seeds"
rm -rf "$SEEDS"
/usr/bin/python3 "$ROOT/tests/fuzz/make_seeds.py" "$SEEDS"
mkdir -p "$BUILD/artifacts"

# rankwise refuses any single read larger than its memory budget (driver/memory); give the
# harnesses a budget below libFuzzer's -malloc_limit_mb so that a file declaring a huge dataset
# is the clean refusal it would be on a real machine, not an "out-of-memory" finding.
export RANKWISE_MEMORY_LIMIT=${RANKWISE_MEMORY_LIMIT:-256M}
# Open MPI and HDF5 allocate at exit; leaks are not findings here. UBSan aborts with a stack.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
# Where a finding happened: "upstream" if the first frame past the sanitizer/libc interceptors
# is inside libhdf5 or shapelib (system libraries we cannot fix: they are documented, and the
# fuzzer goes on), otherwise "ours" (a real failure of this run).
classify() {
  # Walk the stack from the top: the first frame in libhdf5/shapelib or in rankwise's own
  # sources decides. Frames of libc (also when shown by source path, e.g. sysdeps/.../memmove),
  # the sanitizers and libFuzzer decide nothing. No deciding frame at all counts as ours.
  awk '/^ *#[0-9]+ /{
         if ($0 ~ /libhdf5|libshp/) { print "upstream"; found = 1; exit }
         if ($0 ~ /\/(src|include\/rankwise|tests\/fuzz)\//) { print "ours"; found = 1; exit } }
       END { if (!found) print "ours" }' "$1"
}

status=0
for h in $HARNESSES; do
  case $h in
    fuzz_shapefile) seeds="$SEEDS/shapefile" ;;
    fuzz_nbody_hdf5) seeds="$SEEDS/nbody_hdf5" ;;
  esac
  corpus="$BUILD/corpus/$h"   # grows across runs in the same build dir
  mkdir -p "$corpus"
  log="$BUILD/$h.log"
  : > "$log"
  echo "== $h: ${SECONDS_EACH}s (log: $log)"
  end=$((SECONDS + SECONDS_EACH)) execs=0 upstream=0
  while [ $SECONDS -lt "$end" ]; do
    part="$BUILD/$h.part.log"
    set +e
    "$BUILD/bin/$h" "$corpus" "$seeds" -max_total_time=$((end - SECONDS)) -timeout=10 \
      -rss_limit_mb=2048 -malloc_limit_mb=1024 -print_final_stats=1 \
      -artifact_prefix="$BUILD/artifacts/$h-" > "$part" 2>&1
    rc=$?
    set -e
    cat "$part" >> "$log"
    # Executions: the final stats line, or the last progress line ("#1234 ...") of a run that
    # stopped on a finding.
    n=$(awk -F: '/^stat::number_of_executed_units/{gsub(/ /,"",$2); s=$2} /^#[0-9]+/{p=substr($1,2); sub(/[^0-9].*/,"",p)} END{print (s!="" ? s : p)}' "$part")
    execs=$((execs + ${n:-0}))
    [ $rc -eq 0 ] && break
    artifact=$(grep -o "Test unit written to .*" "$part" | tail -1 | sed 's/Test unit written to //')
    # An out-of-memory report from libFuzzer's RSS watchdog carries no stack: replay the input
    # once (the malloc limit then reports the allocation with its stack) and classify that.
    where="$part"
    if ! grep -qE "^ *#[0-9]+ " "$part" && [ -n "$artifact" ] && [ -f "$artifact" ]; then
      set +e
      timeout 120 "$BUILD/bin/$h" "$artifact" -rss_limit_mb=2048 -malloc_limit_mb=1024 \
        > "$part.replay" 2>&1
      set -e
      { echo "--- replay of $artifact:"; cat "$part.replay"; } >> "$log"
      grep -qE "^ *#[0-9]+ " "$part.replay" && where="$part.replay"
    fi
    if [ "$(classify "$where")" = upstream ]; then
      upstream=$((upstream + 1))
      mkdir -p "$BUILD/artifacts/upstream"
      [ -n "$artifact" ] && mv "$artifact" "$BUILD/artifacts/upstream/" 2>/dev/null || true
      echo "   upstream finding (inside libhdf5/shapelib, not rankwise code):"
      grep -m1 -E "ERROR: (AddressSanitizer|libFuzzer)|deadly signal|runtime error" "$where" | sed 's/^/     /'
      grep -m3 -E "^ *#[0-9]+ .*(libhdf5|libshp)" "$where" | sed 's/^/     /'
      continue   # keep fuzzing for the rest of the budget
    fi
    echo "!! $h: a finding in rankwise code (exit $rc):"
    grep -m1 -A25 -E "ERROR: (AddressSanitizer|libFuzzer|UndefinedBehaviorSanitizer)|runtime error|deadly signal|uncaught|terminate called" "$part" || tail -40 "$part"
    echo "   reproducer: $artifact   (replay: $BUILD/bin/$h $artifact)"
    status=1
    break
  done
  echo "   $h: $execs executions in ${SECONDS_EACH}s budget, $upstream upstream finding(s)"
done
exit $status
