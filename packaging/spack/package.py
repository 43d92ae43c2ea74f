# Spack recipe for rankwise: copy it into a Spack package repository as
# packages/rankwise/package.py and install from a checkout with `spack develop` (the steps are
# in docs/install.md, "Spack").
# Not run here (no Spack on the build machine): only checked to be valid Python by the ctest
# `install`; the dependency names and variants follow Spack's builtin packages (Spack 0.23 or
# newer: the "c"/"cxx" language dependencies).

from spack.package import *


class Rankwise(CMakePackage):
    """MPI + OpenMP drivers with per-rank phase timings in HDF5: midpoint-series and Monte Carlo
    pi, direct-summation N-body, geodesic polygon areas (shapefiles, and any OGR source through
    a GDAL module loaded on demand). Installs the executable, the rankwise::core library with
    its CMake package, the report tool, job scripts and modulefiles."""

    # No public repository yet: build from a checkout with `spack develop` (above). Once
    # published, add `git = "<URL>"` here and a version("main", branch="main").

    version("main")
    version("0.1.0")

    variant(
        "build_type",
        default="Release",
        description="CMake build type",
        values=("Debug", "Release", "RelWithDebInfo", "MinSizeRel"),
    )
    variant("report", default=True, description="Python modules for bin/rankwise-report")
    variant("sanitize", default=False, description="AddressSanitizer + UndefinedBehaviorSanitizer")

    depends_on("c", type="build")
    depends_on("cxx", type="build")
    depends_on("cmake@3.25:", type="build")

    depends_on("mpi")
    depends_on("hdf5@1.10:+mpi")  # parallel HDF5: one file written by every rank
    depends_on("boost@1.74:+mpi+serialization")
    depends_on("cli11")
    depends_on("random123")
    depends_on("highway")
    depends_on("geographiclib")
    depends_on("shapelib")
    depends_on("proj")
    depends_on("gdal+sqlite3")  # GeoPackage needs SQLite; GeoJSON and FlatGeobuf are built in
    depends_on("googletest", type="test")

    with when("+report"):
        depends_on("python@3.9:", type="run")
        depends_on("py-h5py", type="run")
        depends_on("py-numpy", type="run")
        depends_on("py-matplotlib", type="run")

    # C++20 (<span>, <numbers>, <bit>, defaulted comparisons) and OpenMP.
    conflicts("%gcc@:9", msg="rankwise needs C++20: GCC 10 or newer")
    conflicts("%clang@:11", msg="rankwise needs C++20: Clang 12 or newer")
    conflicts("%apple-clang", msg="rankwise needs OpenMP, which Apple Clang does not ship")

    def cmake_args(self):
        return [
            self.define("RANKWISE_BUILD_TESTS", self.run_tests),
            self.define("RANKWISE_BUILD_BENCH", False),  # benchmarks are not installed
            self.define_from_variant("RANKWISE_SANITIZE", "sanitize"),
        ]

    def check(self):
        # Unit and MPI tests; the end-to-end tests also need pytest, h5py and numpy.
        with working_dir(self.build_directory):
            ctest("--output-on-failure", "-R", "unit|mpi_")
