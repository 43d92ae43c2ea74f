// XDMF 2 sidecar: plain XML referencing the trajectory's datasets, no HDF5 calls.
#include "rankwise/nbody/xdmf.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "rankwise/errors.hpp"
#include "rankwise/io/h5.hpp"
#include "rankwise/io/output_path.hpp"

namespace rankwise::nbody {

std::string xdmf_path(const std::string& h5_path) {
  const std::string ext = ".h5";
  if (h5_path.size() > ext.size() &&
      h5_path.compare(h5_path.size() - ext.size(), ext.size(), ext) == 0) {
    return h5_path.substr(0, h5_path.size() - ext.size()) + ".xdmf";
  }
  return h5_path + ".xdmf";
}

namespace {
// An [N, 3] array: frame f's view of `dataset` (made by TrajectoryWriter::finish), a plain
// HDF dataset that both ParaView readers read. ParaView 5.11's Xdmf3 reader reads no points
// from HyperSlab items of the [F, N, 3] dataset, the legacy reader none from Xdmf3's own
// "dataset|start:stride:count:dims" slab syntax.
void frame_item(std::ostringstream& x, const std::string& h5, const std::string& dataset,
                std::uint64_t f, std::uint64_t n) {
  x << "        <DataItem Dimensions=\"" << n
    << " 3\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">" << h5 << ":/nbody/frames/"
    << io::row_view_name(dataset, f) << "</DataItem>\n";
}
}  // namespace

std::string xdmf_document(const std::string& h5, std::uint64_t n, std::span<const double> times) {
  std::ostringstream x;
  x.precision(17);
  const std::uint64_t frames = times.size();
  x << "<?xml version=\"1.0\" ?>\n<!DOCTYPE Xdmf SYSTEM \"Xdmf.dtd\" []>\n"
    << "<Xdmf Version=\"2.0\">\n  <Domain>\n"
    << "    <Grid Name=\"nbody\" GridType=\"Collection\" CollectionType=\"Temporal\">\n";
  // The frames with views (all of them up to io::kMaxRowViews, else evenly strided ones).
  for (const std::uint64_t f : io::viewed_rows(frames)) {
    // The vertex list is explicit (/nbody/particle = 0..N-1): without one the Xdmf3 reader
    // makes points but no cells, and ParaView draws nothing.
    x << "    <Grid Name=\"frame " << f << "\" GridType=\"Uniform\">\n"
      << "      <Time Value=\"" << times[f] << "\"/>\n"
      << "      <Topology TopologyType=\"Polyvertex\" NumberOfElements=\"" << n
      << "\" NodesPerElement=\"1\">\n"
      << "        <DataItem Dimensions=\"" << n
      << "\" NumberType=\"Int\" Precision=\"8\" Format=\"HDF\">" << h5
      << ":/nbody/particle</DataItem>\n"
      << "      </Topology>\n"
      << "      <Geometry GeometryType=\"XYZ\">\n";
    frame_item(x, h5, "positions", f, n);
    x << "      </Geometry>\n"
      << "      <Attribute Name=\"velocity\" AttributeType=\"Vector\" Center=\"Node\">\n";
    frame_item(x, h5, "velocities", f, n);
    x << "      </Attribute>\n"
      << "      <Attribute Name=\"mass\" AttributeType=\"Scalar\" Center=\"Node\">\n"
      << "        <DataItem Dimensions=\"" << n
      << "\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">" << h5
      << ":/nbody/masses</DataItem>\n"
      << "      </Attribute>\n"
      << "    </Grid>\n";
  }
  x << "    </Grid>\n  </Domain>\n</Xdmf>\n";
  return x.str();
}

void write_text_atomically(const std::string& path, const std::string& text) {
  const std::filesystem::path p(path);
  std::string name = ".";  // built by append: GCC 12 warns falsely on operator+ chains here
  name.append(p.filename().string()).append(".tmp-").append(std::to_string(::getpid()));
  const std::string temporary = (p.parent_path() / name).string();
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      std::remove(temporary.c_str());
      throw IoError("cannot write '" + temporary + "'");
    }
  }
  try {
    io::publish(temporary, path);
  } catch (...) {
    std::remove(temporary.c_str());
    throw;
  }
}

}  // namespace rankwise::nbody
