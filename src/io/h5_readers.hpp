#pragma once
// Finishing an HDF5 file for the readers users open it with (h5py, xarray through h5netcdf or
// netCDF4, ParaView, h5dump): strings as variable-length UTF-8, and an HDF5 dimension scale
// (H5DS) on every axis of every dataset, so each array has named dimensions with coordinates.
// Internal to src/io.
#include <hdf5.h>

#include <string>
#include <vector>

namespace rankwise::io {

/// Creates dataset `name` in `group` (serial file) as variable-length UTF-8 strings.
void write_vlen_strings(hid_t group, const std::string& name, const std::vector<std::string>& rows);

/// Remembers strings for dataset `name` in `group` of a parallel file, written by
/// finish_for_readers() once the file is closed (parallel HDF5 cannot write them).
void defer_strings(hid_t group, const std::string& name, std::vector<std::string> rows);

/// Remembers that group `views_group` of `group` gets one virtual dataset per row of dataset
/// `name` (see Group::row_views), made by finish_for_readers() once the file is closed.
void defer_row_views(hid_t group, const std::string& name, const std::string& views_group);

/// Root, after the parallel file at `path` was closed by every rank: reopens it serially,
/// writes the deferred strings and row views and attaches dimension scales (see h5_readers.cpp for the
/// dimension names of each driver's datasets). Throws IoError on failure.
void finish_for_readers(const std::string& path);

}  // namespace rankwise::io
