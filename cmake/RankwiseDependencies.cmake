# Every external dependency in one place. Debian 12 package names in brackets.
find_package(MPI REQUIRED COMPONENTS C CXX)                       # [libopenmpi-dev]
find_package(OpenMP REQUIRED COMPONENTS CXX)
find_package(Boost 1.74 REQUIRED COMPONENTS mpi serialization)     # [libboost-mpi-dev ...]
find_package(CLI11 REQUIRED)                                      # [libcli11-dev]
find_package(hwy REQUIRED)                                        # [libhwy-dev]

# HDF5 must be the parallel build [libhdf5-openmpi-dev]; a serial HDF5 cannot
# write one file from many ranks, so refuse it here rather than at run time.
set(HDF5_PREFER_PARALLEL TRUE)
find_package(HDF5 REQUIRED COMPONENTS C HL)  # HL: dimension scales (H5DS)
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR
    "rankwise needs a parallel (MPI) HDF5 build, but found a serial one at "
    "${HDF5_INCLUDE_DIRS}. On Debian: apt-get install libhdf5-openmpi-dev; on a "
    "cluster: module load an MPI-enabled hdf5 (e.g. hdf5/parallel).")
endif()
# HDF5_LIBRARIES as a target: installed, rankwise::core names rankwise::hdf5 instead, which
# rankwiseConfig.cmake makes from the HDF5 it finds (no build-machine paths in the export).
add_library(rankwise_hdf5 INTERFACE)
target_link_libraries(rankwise_hdf5 INTERFACE ${HDF5_HL_LIBRARIES} ${HDF5_LIBRARIES})

# Random123 is header-only [librandom123-dev].
find_path(RANDOM123_INCLUDE_DIR Random123/philox.h REQUIRED)

# GeographicLib and shapelib (used by the polygons driver).
find_library(GEOGRAPHICLIB_LIBRARY NAMES Geographic GeographicLib)  # [libgeographiclib-dev]
find_path(GEOGRAPHICLIB_INCLUDE_DIR GeographicLib/PolygonArea.hpp)
find_library(SHAPELIB_LIBRARY NAMES shp)                            # [libshp-dev]
find_path(SHAPELIB_INCLUDE_DIR shapefil.h)

# PROJ: projected coordinates back to longitude/latitude for geodesic areas [libproj-dev].
find_package(PROJ CONFIG QUIET)
if(NOT PROJ_FOUND)
  find_library(PROJ_LIBRARY NAMES proj REQUIRED)
  find_path(PROJ_INCLUDE_DIR proj.h REQUIRED)
  add_library(PROJ::proj UNKNOWN IMPORTED)
  set_target_properties(PROJ::proj PROPERTIES IMPORTED_LOCATION "${PROJ_LIBRARY}"
                        INTERFACE_INCLUDE_DIRECTORIES "${PROJ_INCLUDE_DIR}")
endif()

# GDAL/OGR: formats other than .shp, in a module loaded on demand (src/polygons/ogr) [libgdal-dev].
find_package(GDAL REQUIRED)
