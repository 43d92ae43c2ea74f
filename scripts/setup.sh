#!/usr/bin/env bash
# Install rankwise's build and test dependencies from Debian 12 packages (idempotent:
# packages already present are skipped, so a second run is quick and needs no network).
set -euo pipefail

PACKAGES=(
  build-essential cmake git pkg-config
  openmpi-bin libopenmpi-dev
  libboost-mpi-dev libboost-serialization-dev
  libhdf5-openmpi-dev hdf5-tools
  libgtest-dev libbenchmark-dev libcli11-dev librandom123-dev libhwy-dev
  libgeographiclib-dev libshp-dev libproj-dev libgdal-dev gdal-bin
  python3 python3-h5py python3-numpy python3-mpmath python3-pytest python3-matplotlib
  python3-numba python3-pyproj python3-mpi4py python3-pyshp python3-xarray python3-h5netcdf python3-netcdf4
  pybind11-dev python3-pybind11   # the Python package (python/, docs/python.md)
  lmod   # the ctest `install` loads the installed modulefiles with it
  paraview python3-paraview xvfb   # e2e test_paraview: pvpython opens the XDMF sidecar headless
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi
echo "setup: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
