#!/usr/bin/env bash
# ctest `install`: `cmake --install` into a temporary prefix, then use it as a user would.
#   check_install.sh BUILD_DIR SOURCE_DIR PYTHON
# 1. the layout (binary, GDAL module, library, headers, CMake package, tools, jobs, docs,
#    modulefiles); 2. no build-machine source/build paths in the CMake package;
# 3. the modulefiles (loaded by Lmod when it is installed, else parsed by lua/tclsh, else read);
# 4. the installed binary: pi, and polygons from a GeoPackage (GDAL module found from bin/);
# 5. find_package(rankwise) from tests/install (found through the modulefile's CMAKE_PREFIX_PATH
#    when Lmod loaded it), built and run; 6. the Python package imported from the prefix with
#    only the environment the modulefile sets (PYTHONPATH): pi, a shapefile, a GeoPackage;
# 7. packaging/spack/package.py compiles.
set -euo pipefail
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
PYTHON=${3:-python3}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/rankwise-install.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
PREFIX=$TMP/prefix
PYDIR_WANT=$PREFIX/lib/python3/dist-packages  # where the modulefiles point PYTHONPATH
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "--- $*"; }
cmake() { command "${CMAKE:-cmake}" "$@"; }  # the CMake that configured the build

step "cmake --install $BUILD --prefix $PREFIX"
cmake --install "$BUILD" --prefix "$PREFIX" > "$TMP/install.log" || { cat "$TMP/install.log"; fail "install"; }
VERSION=$(sed -n 's/^set(PACKAGE_VERSION "\([0-9.]*\)")$/\1/p' "$PREFIX"/lib*/cmake/rankwise/rankwiseConfigVersion.cmake)
[ -n "$VERSION" ] || fail "no version in rankwiseConfigVersion.cmake"

step "layout (version $VERSION)"
for f in bin/rankwise bin/rankwise-report lib/rankwise/librankwise_ogr.so \
         include/rankwise/pi/series.hpp include/rankwise/build_info.hpp \
         share/rankwise/jobs/README.md share/rankwise/jobs/slurm/pi.sbatch share/rankwise/jobs/local/pi.sh \
         share/doc/rankwise/README.md share/doc/rankwise/docs/install.md \
         "share/modulefiles/rankwise/$VERSION.lua" "share/modulefiles/rankwise/$VERSION"; do
  [ -e "$PREFIX/$f" ] || fail "missing $PREFIX/$f"
done
for f in bin/rankwise bin/rankwise-report share/rankwise/jobs/local/pi.sh; do
  [ -x "$PREFIX/$f" ] || fail "$PREFIX/$f is not executable"
done
ls "$PREFIX"/lib*/librankwise_core.a > /dev/null || fail "no librankwise_core.a"
for f in rankwiseConfig.cmake rankwiseConfigVersion.cmake rankwiseTargets.cmake; do
  ls "$PREFIX"/lib*/cmake/rankwise/$f > /dev/null || fail "no lib/cmake/rankwise/$f"
done
if grep -rlF -e "$SRC/" -e "$BUILD/" "$PREFIX"/lib*/cmake/rankwise; then
  fail "the CMake package names the source or build tree (above)"
fi

step "modulefiles"
LMOD=${LMOD_CMD:-/usr/share/lmod/lmod/libexec/lmod}
if [ -x "$LMOD" ]; then
  # The .lua file, then the Tcl one alone in another tree (Lmod reads both kinds).
  mkdir -p "$TMP/tcl/rankwise"
  cp "$PREFIX/share/modulefiles/rankwise/$VERSION" "$TMP/tcl/rankwise/"
  for tree in "$PREFIX/share/modulefiles" "$TMP/tcl"; do
    out=$(env -i HOME="$TMP" PATH=/usr/bin:/bin MODULEPATH="$tree" "$LMOD" bash load rankwise 2>&1) \
      || fail "Lmod cannot load rankwise from $tree: $out"
    (eval "$out"
     [ "$(command -v rankwise)" = "$PREFIX/bin/rankwise" ] || fail "$tree: rankwise on PATH is $(command -v rankwise)"
     [ "$RANKWISE_ROOT" = "$PREFIX" ] || fail "$tree: RANKWISE_ROOT=$RANKWISE_ROOT"
     [ "$CMAKE_PREFIX_PATH" = "$PREFIX" ] || fail "$tree: CMAKE_PREFIX_PATH=$CMAKE_PREFIX_PATH"
     case $LOADEDMODULES in "rankwise/$VERSION") ;; *) fail "$tree: loaded $LOADEDMODULES" ;; esac
     if [ -d "$PYDIR_WANT/rankwise" ]; then
       [ "${PYTHONPATH:-}" = "$PYDIR_WANT" ] || fail "$tree: PYTHONPATH=${PYTHONPATH:-}"
     fi)
  done
  echo "Lmod loads both modulefiles"
else
  LUAC=$(command -v luac luac5.4 luac5.3 2>/dev/null | head -n 1 || true)
  if [ -n "$LUAC" ]; then
    "$LUAC" -p "$PREFIX/share/modulefiles/rankwise/$VERSION.lua" || fail "the .lua modulefile does not parse"
  fi
  if command -v tclsh > /dev/null; then
    # Stand-ins for the modulefile commands, printing what they were given.
    # shellcheck disable=SC2016  # Tcl, not shell, expands these
    printf '%s\n' 'proc setenv {n v} {puts "setenv $n $v"}' 'proc prepend-path {n v} {puts "prepend $n $v"}' \
      'proc module-whatis {args} {}' "source [lindex \$argv 0]" > "$TMP/stub.tcl"
    tclsh "$TMP/stub.tcl" "$PREFIX/share/modulefiles/rankwise/$VERSION" > "$TMP/tcl.out" \
      || fail "the Tcl modulefile does not run"
    grep -qxF "prepend PATH $PREFIX/bin" "$TMP/tcl.out" || fail "Tcl modulefile: $(cat "$TMP/tcl.out")"
    if [ -d "$PYDIR_WANT/rankwise" ]; then
      grep -qxF "prepend PYTHONPATH $PYDIR_WANT" "$TMP/tcl.out" || fail "Tcl modulefile: $(cat "$TMP/tcl.out")"
    fi
  fi
  lua="$PREFIX/share/modulefiles/rankwise/$VERSION.lua"
  grep -qF "local root = \"$PREFIX\"" "$lua" || fail "$lua does not name $PREFIX"
  for want in 'setenv("RANKWISE_ROOT", root)' 'prepend_path("PATH", pathJoin(root, "bin"))' \
              'prepend_path("CMAKE_PREFIX_PATH", root)' 'prepend_path("PYTHONPATH", pathJoin(root, python))'; do
    grep -qF "$want" "$lua" || fail "$lua lacks $want"
  done
  if [ -d "$PYDIR_WANT/rankwise" ]; then
    grep -qxF 'local python = "lib/python3/dist-packages"' "$lua" || fail "$lua: no Python directory"
  fi
  echo "modulefiles read (no Lmod here)"
fi

step "installed binary: pi, and polygons from a GeoPackage"
cd "$TMP"
"$PREFIX/bin/rankwise" pi --terms 1e6 -q -o pi.h5 || fail "rankwise pi"
[ -s pi.h5 ] || fail "rankwise pi wrote no pi.h5"
if command -v ogr2ogr > /dev/null; then
  "$PREFIX/bin/rankwise" polygons --generate 50 --write-shapefile s.shp -q -o gen.h5 || fail "polygons --generate"
  ogr2ogr -f GPKG s.gpkg s.shp || fail "ogr2ogr"
  "$PREFIX/bin/rankwise" polygons s.gpkg -o gpkg.h5 > gpkg.log 2>&1 || { cat gpkg.log; fail "polygons s.gpkg"; }
  [ -s gpkg.h5 ] || fail "polygons s.gpkg wrote no gpkg.h5"
  echo "GeoPackage read through $PREFIX/lib/rankwise/librankwise_ogr.so"
else
  echo "no ogr2ogr: GeoPackage check skipped"
fi
"$PYTHON" "$PREFIX/bin/rankwise-report" --help > /dev/null || fail "rankwise-report --help"

step "find_package(rankwise) from tests/install"
configure=(cmake -S "$SRC/tests/install" -B "$TMP/downstream" -DCMAKE_BUILD_TYPE=Release)
# The compiler of the build: librankwise_core.a holds OpenMP code compiled for that compiler's
# runtime (clang's libomp is not GCC's libgomp), so a downstream project links it with the same.
for lang in C CXX; do
  compiler=$(sed -n "s/^CMAKE_${lang}_COMPILER:[A-Z]*=//p" "$BUILD/CMakeCache.txt")
  [ -z "$compiler" ] || configure+=("-DCMAKE_${lang}_COMPILER=$compiler")
done
if [ -x "$LMOD" ]; then  # as a user would: module load, then plain cmake
  eval "$(env -i HOME="$TMP" PATH="$PATH" MODULEPATH="$PREFIX/share/modulefiles" "$LMOD" bash load rankwise)"
else
  configure+=(-DCMAKE_PREFIX_PATH="$PREFIX")
fi
"${configure[@]}" > "$TMP/downstream.log" 2>&1 || { cat "$TMP/downstream.log"; fail "downstream configure"; }
grep -q "rankwise_DIR:PATH=$PREFIX/lib" "$TMP/downstream/CMakeCache.txt" \
  || fail "downstream found rankwise elsewhere: $(grep rankwise_DIR "$TMP/downstream/CMakeCache.txt")"
cmake --build "$TMP/downstream" -j 2 > "$TMP/downstream-build.log" 2>&1 \
  || { cat "$TMP/downstream-build.log"; fail "downstream build"; }
"$TMP/downstream/rankwise_downstream" || fail "downstream run"

step "the Python package, imported from the prefix with only the modulefile's environment"
# The PYTHONPATH the modulefile sets: Lmod loads it in an empty environment; without Lmod,
# the Tcl stand-ins above printed it.
module_pythonpath() {
  if [ -x "$LMOD" ]; then
    env -i HOME="$TMP" PATH=/usr/bin:/bin MODULEPATH="$PREFIX/share/modulefiles" bash -c \
      'eval "$("$1" bash load rankwise)" && printf %s "${PYTHONPATH:-}"' _ "$LMOD"
  elif [ -s "$TMP/tcl.out" ]; then
    sed -n 's/^prepend PYTHONPATH //p' "$TMP/tcl.out"
  else
    printf %s "$PYDIR_WANT"  # nothing here reads modulefiles: what they name
  fi
}
PYDIR=""
if [ -d "$PYDIR_WANT/rankwise" ]; then PYDIR=$(module_pythonpath) || fail "the modulefile does not load"; fi
if [ -n "$PYDIR" ]; then
  [ "$PYDIR" = "$PYDIR_WANT" ] || fail "the modulefile sets PYTHONPATH=$PYDIR, not $PYDIR_WANT"
  # Outside the build and source trees, so only the installed copy can be imported; pi and
  # polygon areas as the installed binary wrote them (pi.h5 above; py.shp/py.h5 here).
  "$PREFIX/bin/rankwise" polygons --generate 20 --write-shapefile py.shp -q -o py-gen.h5 \
    || fail "polygons --generate (for the Python check)"
  "$PREFIX/bin/rankwise" polygons py.shp -q -o py.h5 || fail "polygons py.shp"
  out=$(cd "$TMP" && env -i HOME="$TMP" PATH="$PREFIX/bin:/usr/bin:/bin" PYTHONPATH="$PYDIR" \
        PYTHONPYCACHEPREFIX="$TMP/pycache" "$PYTHON" -c '
import sys, h5py, numpy as np, rankwise
assert rankwise.__file__.startswith(sys.argv[1]), rankwise.__file__
assert rankwise.__version__ == sys.argv[2], rankwise.__version__
with h5py.File("pi.h5") as f:
    assert rankwise.pi.series(10**6) == f["pi"].attrs["estimate"], "pi.series"
with h5py.File("py.h5") as f:
    got = rankwise.polygons.areas("py.shp", as_frame=False)["area_m2"]
    assert np.array_equal(got, f["polygons/area_m2"][()]), "polygons.areas"
assert rankwise.load("py.h5")["polygons"] is not None
import os
if os.path.exists("s.gpkg"):  # the GDAL module, found from the installed package
    with h5py.File("gpkg.h5") as f:
        got = rankwise.polygons.areas("s.gpkg", as_frame=False)["area_m2"]
        assert np.array_equal(got, f["polygons/area_m2"][()]), "polygons.areas(gpkg)"
' "$PYDIR" "$VERSION" 2>&1) || fail "import rankwise from $PYDIR: $out"
  echo "rankwise $VERSION imported from $PYDIR (the modulefile's PYTHONPATH)"
else
  echo "no Python package installed (built without pybind11): check skipped"
fi

step "packaging/spack/package.py compiles"
PYTHONPYCACHEPREFIX="$TMP/pycache" "$PYTHON" -m py_compile "$SRC/packaging/spack/package.py" \
  || fail "package.py"

echo "install: all checks passed"
