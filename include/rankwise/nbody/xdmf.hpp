#pragma once
/// The XDMF sidecar that lets ParaView and VisIt open the HDF5 trajectory directly.
#include <cstdint>
#include <span>
#include <string>

namespace rankwise::nbody {

/// The sidecar's path for output `h5_path`: "run.h5" -> "run.xdmf", otherwise + ".xdmf".
[[nodiscard]] std::string xdmf_path(const std::string& h5_path);

/// An XDMF 2 document: a temporal collection with one Polyvertex grid per frame (vertices
/// /nbody/particle), geometry and velocity from the frame's views in /nbody/frames of
/// `h5_name` (a path relative to the sidecar), masses from /nbody/masses.
[[nodiscard]] std::string xdmf_document(const std::string& h5_name, std::uint64_t particles,
                                        std::span<const double> times);

/// Write `text` to `path` atomically (temporary beside it, then rename). Throws IoError.
void write_text_atomically(const std::string& path, const std::string& text);

}  // namespace rankwise::nbody
