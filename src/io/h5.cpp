// RAII wrappers over the HDF5 C API (parallel build; MPI-IO for shared files).
#include "rankwise/io/h5.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cstring>

#include "h5_readers.hpp"
#include <memory>
#include <numeric>
#include <utility>

#include "rankwise/driver/memory.hpp"
#include "rankwise/errors.hpp"
#include "rankwise/parallel/native.hpp"

static_assert(sizeof(hid_t) == sizeof(std::int64_t), "hid_t is expected to be 64-bit");

namespace rankwise::io {
namespace {

// HDF5 prints its own error stack by default; rankwise reports one line instead.
void silence_hdf5() {
  static const bool once = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)once;
}

hid_t check(hid_t id, const std::string& what) {
  if (id < 0) throw IoError("HDF5: " + what + " failed");
  return id;
}
void check(herr_t rc, const std::string& what) {
  if (rc < 0) throw IoError("HDF5: " + what + " failed");
}

template <class T>
hid_t native_type() {
  if constexpr (std::is_same_v<T, double>) return H5T_NATIVE_DOUBLE;
  if constexpr (std::is_same_v<T, float>) return H5T_NATIVE_FLOAT;
  if constexpr (std::is_same_v<T, std::int64_t>) return H5T_NATIVE_INT64;
  if constexpr (std::is_same_v<T, std::uint64_t>) return H5T_NATIVE_UINT64;
  if constexpr (std::is_same_v<T, std::int32_t>) return H5T_NATIVE_INT32;
  if constexpr (std::is_same_v<T, std::uint32_t>) return H5T_NATIVE_UINT32;
  if constexpr (std::is_same_v<T, std::int8_t>) return H5T_NATIVE_INT8;
  if constexpr (std::is_same_v<T, std::uint8_t>) return H5T_NATIVE_UINT8;
}

std::vector<hsize_t> to_hsize(const Dims& d) { return {d.begin(), d.end()}; }

// Transfer property list: collective MPI-IO in parallel files, default otherwise.
Handle transfer_plist(const parallel::Comm* comm) {
  if (comm == nullptr) return Handle(H5Pcreate(H5P_DATASET_XFER));
  Handle p(check(H5Pcreate(H5P_DATASET_XFER), "H5Pcreate(xfer)"));
  check(H5Pset_dxpl_mpio(p.get(), H5FD_MPIO_COLLECTIVE), "H5Pset_dxpl_mpio");
  return p;
}

// collective in a parallel file: run one HDF5 operation and agree on its outcome, so that a
// failure on one rank (a full disk) becomes the same error on every rank instead of leaving the
// others waiting in the next collective call.
template <class F>
auto collectively(const parallel::Comm* comm, F&& f) {
  if (comm == nullptr) return f();
  return comm->agreed(f);
}

bool g_abandoned = false;

Handle scalar_space() { return Handle(check(H5Screate(H5S_SCALAR), "H5Screate")); }

// Attributes: replace if present (so a re-written attribute never fails).
void write_attribute(hid_t loc, const std::string& name, hid_t type, const void* value) {
  if (H5Aexists(loc, name.c_str()) > 0) check(H5Adelete(loc, name.c_str()), "H5Adelete " + name);
  Handle space = scalar_space();
  Handle a(check(H5Acreate2(loc, name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                 "create attribute " + name));
  check(H5Awrite(a.get(), type, value), "write attribute " + name);
}

void write_string_attribute(hid_t loc, const std::string& name, const std::string& value) {
  Handle t(check(H5Tcopy(H5T_C_S1), "H5Tcopy"));
  check(H5Tset_size(t.get(), H5T_VARIABLE), "H5Tset_size");
  check(H5Tset_cset(t.get(), H5T_CSET_UTF8), "H5Tset_cset");
  const char* p = value.c_str();
  write_attribute(loc, name, t.get(), &p);
}

Handle open_attribute(hid_t loc, const std::string& name) {
  if (H5Aexists(loc, name.c_str()) <= 0) throw InputError("missing attribute '" + name + "'");
  return Handle(check(H5Aopen(loc, name.c_str(), H5P_DEFAULT), "open attribute " + name));
}

}  // namespace

Handle::~Handle() {
  if (id_ < 0) return;
  switch (H5Iget_type(id_)) {
    case H5I_FILE: H5Fclose(id_); break;
    case H5I_GROUP: H5Gclose(id_); break;
    case H5I_DATASET: H5Dclose(id_); break;
    case H5I_DATASPACE: H5Sclose(id_); break;
    case H5I_DATATYPE: H5Tclose(id_); break;
    case H5I_ATTR: H5Aclose(id_); break;
    case H5I_GENPROP_LST: H5Pclose(id_); break;
    default: break;
  }
}

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    Handle dying(id_);
    id_ = other.id_;
    other.id_ = -1;
  }
  return *this;
}

std::int64_t Handle::release() noexcept {
  const std::int64_t id = id_;
  id_ = -1;
  return id;
}

void Handle::close() {
  if (id_ < 0) return;
  const hid_t id = id_;
  id_ = -1;
  herr_t rc = 0;
  switch (H5Iget_type(id)) {
    case H5I_FILE: rc = H5Fclose(id); break;
    case H5I_GROUP: rc = H5Gclose(id); break;
    case H5I_DATASET: rc = H5Dclose(id); break;
    default: { Handle owned(id); } break;
  }
  check(rc, "close");
}

// ---- Dataset -------------------------------------------------------------------------------

Dims Dataset::dims() const {
  Handle space(check(H5Dget_space(h_.get()), "H5Dget_space"));
  const int rank = H5Sget_simple_extent_ndims(space.get());
  check(rank, "H5Sget_simple_extent_ndims");
  std::vector<hsize_t> d(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space.get(), d.data(), nullptr);
  return {d.begin(), d.end()};
}

template <Storable T>
void Dataset::write_block(std::span<const T> data, const Dims& start, const Dims& count) {
  const std::uint64_t n =
      std::accumulate(count.begin(), count.end(), std::uint64_t{1}, std::multiplies<>());
  if (!count.empty() && n != data.size()) {
    throw IoError("write_block: data size does not match the block");
  }
  collectively(comm_, [&] {
  Handle fspace(check(H5Dget_space(h_.get()), "H5Dget_space"));
  const auto hs = to_hsize(start);
  const auto hc = to_hsize(count);
  Handle mspace;
  if (n == 0 || count.empty()) {
    check(H5Sselect_none(fspace.get()), "H5Sselect_none");
    const hsize_t zero = 0;
    mspace = Handle(check(H5Screate_simple(1, &zero, nullptr), "H5Screate_simple"));
    check(H5Sselect_none(mspace.get()), "H5Sselect_none");
  } else {
    check(H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, hs.data(), nullptr, hc.data(), nullptr),
          "H5Sselect_hyperslab");
    mspace = Handle(check(H5Screate_simple(static_cast<int>(hc.size()), hc.data(), nullptr),
                          "H5Screate_simple"));
  }
  Handle xfer = transfer_plist(comm_);
  check(H5Dwrite(h_.get(), native_type<T>(), mspace.get(), fspace.get(), xfer.get(), data.data()),
        "H5Dwrite");
  });
}

void Dataset::extend(const Dims& dims) {
  const auto hd = to_hsize(dims);
  collectively(comm_, [&] { check(H5Dset_extent(h_.get(), hd.data()), "H5Dset_extent"); });
}

namespace {
// "'file.h5': dataset '/name'" for messages about untrusted input files.
std::string describe(hid_t dataset) {
  std::string file(1024, '\0'), name(1024, '\0');
  const auto fl = H5Fget_name(dataset, file.data(), file.size());
  const auto nl = H5Iget_name(dataset, name.data(), name.size());
  file.resize(fl > 0 ? std::min<std::size_t>(static_cast<std::size_t>(fl), 1023) : 0);
  name.resize(nl > 0 ? std::min<std::size_t>(static_cast<std::size_t>(nl), 1023) : 0);
  return "'" + file + "': dataset '" + name + "'";
}
}  // namespace

template <Storable T>
std::vector<T> Dataset::read() const {
  Handle type(check(H5Dget_type(h_.get()), "H5Dget_type"));
  const H5T_class_t cls = H5Tget_class(type.get());
  const bool want_float = std::is_floating_point_v<T>;
  if ((want_float && cls != H5T_FLOAT) || (!want_float && cls != H5T_INTEGER)) {
    throw InputError(describe(h_.get()) + " has the wrong element type (expected " +
                     (want_float ? "floating point" : "integer") + ")");
  }
  const Dims d = dims();
  // The extent comes from an untrusted file (a tiny file can declare terabytes that were
  // never written): refuse before allocating instead of dying in std::bad_alloc or the OOM
  // killer. Overflow of the product counts as too large.
  long double bytes = sizeof(T);
  for (const auto e : d) bytes *= static_cast<long double>(e);
  const auto available = driver::available_memory();
  if (bytes > 0x1p62L || (available && bytes > static_cast<long double>(*available))) {
    throw ResourceError(describe(h_.get()) + " declares " +
                        driver::format_bytes(static_cast<double>(bytes)) + " of values, more than "
                        "the memory available" +
                        (available ? " (" + driver::format_bytes(static_cast<double>(*available)) + ")" : ""));
  }
  const std::uint64_t n = std::accumulate(d.begin(), d.end(), std::uint64_t{1}, std::multiplies<>());
  std::vector<T> out(n);
  if (n > 0) {
    check(H5Dread(h_.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()),
          "H5Dread");
  }
  return out;
}

template <Storable T>
std::vector<T> Dataset::read_block(const Dims& start, const Dims& count) const {
  const std::uint64_t n =
      std::accumulate(count.begin(), count.end(), std::uint64_t{1}, std::multiplies<>());
  std::vector<T> out(n);
  if (n == 0) return out;
  Handle fspace(check(H5Dget_space(h_.get()), "H5Dget_space"));
  const auto hs = to_hsize(start);
  const auto hc = to_hsize(count);
  check(H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, hs.data(), nullptr, hc.data(), nullptr),
        "H5Sselect_hyperslab");
  Handle mspace(check(H5Screate_simple(static_cast<int>(hc.size()), hc.data(), nullptr),
                      "H5Screate_simple"));
  check(H5Dread(h_.get(), native_type<T>(), mspace.get(), fspace.get(), H5P_DEFAULT, out.data()),
        "H5Dread");
  return out;
}

std::vector<std::string> Dataset::read_strings() const {
  Handle type(check(H5Dget_type(h_.get()), "H5Dget_type"));
  if (H5Tget_class(type.get()) != H5T_STRING) throw InputError("dataset is not a string dataset");
  const Dims d = dims();
  const std::size_t n = d.empty() ? 1 : static_cast<std::size_t>(d[0]);
  const long double bytes = static_cast<long double>(n) *
                            static_cast<long double>(std::max<std::size_t>(H5Tget_size(type.get()), 32));
  const auto available = driver::available_memory();
  if (bytes > 0x1p62L || (available && bytes > static_cast<long double>(*available))) {
    throw ResourceError(describe(h_.get()) + " declares more strings than fit in memory");
  }
  std::vector<std::string> out;
  if (H5Tis_variable_str(type.get()) > 0) {
    std::vector<char*> ptrs(n, nullptr);
    Handle mt(check(H5Tcopy(H5T_C_S1), "H5Tcopy"));
    H5Tset_size(mt.get(), H5T_VARIABLE);
    H5Tset_cset(mt.get(), H5Tget_cset(type.get()));  // no conversion between ASCII and UTF-8
    check(H5Dread(h_.get(), mt.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "H5Dread");
    for (char* p : ptrs) out.emplace_back(p ? p : "");
    Handle space(H5Dget_space(h_.get()));
    H5Dvlen_reclaim(mt.get(), space.get(), H5P_DEFAULT, ptrs.data());
  } else {
    const std::size_t len = H5Tget_size(type.get());
    std::vector<char> buf(n * len);
    check(H5Dread(h_.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), "H5Dread");
    for (std::size_t i = 0; i < n; ++i) {
      const char* p = buf.data() + i * len;
      out.emplace_back(p, strnlen(p, len));
    }
  }
  return out;
}

bool Dataset::is_float() const {
  Handle type(check(H5Dget_type(h_.get()), "H5Dget_type"));
  return H5Tget_class(type.get()) == H5T_FLOAT;
}

std::string Dataset::type_name() const {
  Handle type(check(H5Dget_type(h_.get()), "H5Dget_type"));
  const std::string bits = std::to_string(8 * H5Tget_size(type.get()));
  switch (H5Tget_class(type.get())) {
    case H5T_STRING: return "string";
    case H5T_FLOAT: return "float" + bits;
    case H5T_INTEGER: return (H5Tget_sign(type.get()) == H5T_SGN_NONE ? "uint" : "int") + bits;
    default: return "other";
  }
}

void Dataset::attribute(const std::string& name, const std::string& value) {
  collectively(comm_, [&] { write_string_attribute(h_.get(), name, value); });
}
void Dataset::attribute(const std::string& name, double value) {
  collectively(comm_, [&] { write_attribute(h_.get(), name, H5T_NATIVE_DOUBLE, &value); });
}
void Dataset::attribute(const std::string& name, std::int64_t value) {
  collectively(comm_, [&] { write_attribute(h_.get(), name, H5T_NATIVE_INT64, &value); });
}

// ---- Group ---------------------------------------------------------------------------------

Group Group::create_group(const std::string& name) {
  Handle h = collectively(comm_, [&] {
    return Handle(check(H5Gcreate2(h_.get(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                        "create group " + name));
  });
  return {std::move(h), comm_};
}

Group Group::open_group(const std::string& name) const {
  if (!exists(name)) throw InputError("missing group '" + name + "'");
  return {Handle(check(H5Gopen2(h_.get(), name.c_str(), H5P_DEFAULT), "open group " + name)),
          comm_};
}

bool Group::exists(const std::string& name) const {
  // Check each path component so a missing parent is "absent", not an error.
  std::size_t pos = 0;
  while (true) {
    pos = name.find('/', pos + 1);
    const std::string prefix = name.substr(0, pos);
    if (!prefix.empty() && H5Lexists(h_.get(), prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (pos == std::string::npos) return true;
  }
}

namespace {
// Members of `group` whose object type is `wanted` (H5I_GROUP or H5I_DATASET), by name.
std::vector<std::string> members(hid_t group, H5I_type_t wanted) {
  std::vector<std::string> names;
  auto collect = [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  };
  hsize_t index = 0;
  check(H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, &index, collect, &names), "H5Literate");
  std::vector<std::string> out;
  for (const auto& n : names) {
    const hid_t id = H5Oopen(group, n.c_str(), H5P_DEFAULT);
    if (id < 0) continue;  // a dangling link
    Handle object(id);
    if (H5Iget_type(id) == wanted) out.push_back(n);
  }
  return out;
}
}  // namespace

std::vector<std::string> Group::group_names() const { return members(h_.get(), H5I_GROUP); }
std::vector<std::string> Group::dataset_names() const { return members(h_.get(), H5I_DATASET); }

bool Group::has_attribute(const std::string& name) const {
  return H5Aexists(h_.get(), name.c_str()) > 0;
}

template <Storable T>
Dataset Group::create_dataset(const std::string& name, const Dims& dims, const Dims& chunk) {
  auto hd = to_hsize(dims);
  auto maxd = hd;
  Handle dcpl(check(H5Pcreate(H5P_DATASET_CREATE), "H5Pcreate(dcpl)"));
  if (!chunk.empty()) {
    maxd[0] = H5S_UNLIMITED;
    const auto hc = to_hsize(chunk);
    check(H5Pset_chunk(dcpl.get(), static_cast<int>(hc.size()), hc.data()), "H5Pset_chunk");
  }
  // Allocate early and never fill: parallel writes then need no extra metadata round.
  if (comm_ != nullptr) {
    check(H5Pset_alloc_time(dcpl.get(), H5D_ALLOC_TIME_EARLY), "H5Pset_alloc_time");
  }
  check(H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER), "H5Pset_fill_time");
  Handle space(check(H5Screate_simple(static_cast<int>(hd.size()), hd.data(), maxd.data()),
                     "H5Screate_simple"));
  Handle h = collectively(comm_, [&] {
    return Handle(check(H5Dcreate2(h_.get(), name.c_str(), native_type<T>(), space.get(),
                                   H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                        "create dataset " + name));
  });
  return Dataset(std::move(h), comm_);
}

Dataset Group::open_dataset(const std::string& name) const {
  if (!exists(name)) throw InputError("missing dataset '" + name + "'");
  return Dataset(Handle(check(H5Dopen2(h_.get(), name.c_str(), H5P_DEFAULT), "open " + name)),
                 comm_);
}

template <Storable T>
void Group::write_root(const std::string& name, std::span<const T> data, const Dims& dims) {
  Dataset ds = create_dataset<T>(name, dims);
  const bool writer = comm_ == nullptr || comm_->is_root();
  ds.write_block<T>(writer ? data : std::span<const T>{}, Dims(dims.size(), 0),
                    writer ? dims : Dims(dims.size(), 0));
}

template <Storable T>
void Group::write_rows(const std::string& name, std::span<const T> local, std::uint64_t total_rows,
                       std::uint64_t first_row, std::uint64_t row_width) {
  const Dims dims = row_width == 1 ? Dims{total_rows} : Dims{total_rows, row_width};
  Dataset ds = create_dataset<T>(name, dims);
  const std::uint64_t rows = local.size() / row_width;
  const Dims start = row_width == 1 ? Dims{first_row} : Dims{first_row, 0};
  const Dims count = row_width == 1 ? Dims{rows} : Dims{rows, row_width};
  ds.write_block<T>(local, start, count);
}

void Group::write_string_rows(const std::string& name, const std::vector<std::string>& local,
                              std::uint64_t total_rows, std::uint64_t first_row) {
  // Strings are stored variable-length UTF-8 (what netCDF-4, xarray and h5py read as text).
  // Parallel HDF5 cannot write variable-length data, so in a parallel file root gathers the
  // rows now and writes them when the file is closed (File::close -> finish_for_readers).
  if (comm_ == nullptr) {
    std::vector<std::string> rows(total_rows);
    for (std::size_t i = 0; i < local.size() && first_row + i < total_rows; ++i) {
      rows[first_row + i] = local[i];
    }
    write_vlen_strings(h_.get(), name, rows);
    return;
  }
  // Every rank's (first row, strings) to root, as bytes: u64 first, u64 count, then
  // (u64 length, bytes) per string.
  std::vector<char> blob;
  const auto put = [&blob](std::uint64_t v) {
    const char* b = reinterpret_cast<const char*>(&v);
    blob.insert(blob.end(), b, b + sizeof v);
  };
  put(first_row);
  put(local.size());
  for (const auto& str : local) {
    put(str.size());
    blob.insert(blob.end(), str.begin(), str.end());
  }
  const auto blobs = comm_->gather_v(blob);
  collectively(comm_, [&] {
    if (!comm_->is_root()) return;
    std::vector<std::string> rows(total_rows);
    for (const auto& b : blobs) {
      std::size_t at = 0;
      const auto get = [&]() {
        std::uint64_t v = 0;
        if (at + sizeof v > b.size()) throw IoError("string rows of dataset " + name + " garbled");
        std::memcpy(&v, b.data() + at, sizeof v);
        at += sizeof v;
        return v;
      };
      const std::uint64_t first = get();
      const std::uint64_t count = get();
      for (std::uint64_t i = 0; i < count; ++i) {
        const std::uint64_t len = get();
        if (at + len > b.size()) throw IoError("string rows of dataset " + name + " garbled");
        if (first + i < total_rows) rows[first + i].assign(b.data() + at, len);
        at += len;
      }
    }
    defer_strings(h_.get(), name, std::move(rows));
  });
}

void Group::row_views(const std::string& name, const std::string& views_group) {
  if (comm_ == nullptr) throw IoError("row views of " + name + ": parallel files only");
  collectively(comm_, [&] {
    if (comm_->is_root()) defer_row_views(h_.get(), name, views_group);
  });
}

std::string row_view_name(const std::string& dataset, std::uint64_t row) {
  auto six_digits = [](std::uint64_t k) {
    std::string d = std::to_string(k);
    if (d.size() < 6) d.insert(0, 6 - d.size(), '0');
    return d;
  };
  return six_digits(row / kRowsPerBlock * kRowsPerBlock) + "/" + dataset + "_" + six_digits(row);
}

std::vector<std::uint64_t> viewed_rows(std::uint64_t rows) {
  std::vector<std::uint64_t> out;
  if (rows == 0) return out;
  // Every k-th row from 0 and the last: ceil((rows - 1) / k) + 1 <= kMaxRowViews.
  const std::uint64_t k = rows <= kMaxRowViews ? 1 : (rows - 2) / (kMaxRowViews - 1) + 1;
  for (std::uint64_t r = 0; r < rows; r += k) out.push_back(r);
  if (out.back() != rows - 1) out.push_back(rows - 1);
  return out;
}

void Group::write_strings_root(const std::string& name, const std::vector<std::string>& values) {
  const bool writer = comm_ == nullptr || comm_->is_root();
  std::uint64_t n = values.size();
  if (comm_ != nullptr) n = comm_->max(writer ? n : std::uint64_t{0});
  write_string_rows(name, writer ? values : std::vector<std::string>{}, n, 0);
}

void Group::attribute(const std::string& name, const std::string& value) {
  collectively(comm_, [&] { write_string_attribute(h_.get(), name, value); });
}
void Group::attribute(const std::string& name, double value) {
  collectively(comm_, [&] { write_attribute(h_.get(), name, H5T_NATIVE_DOUBLE, &value); });
}
void Group::attribute(const std::string& name, std::int64_t value) {
  collectively(comm_, [&] { write_attribute(h_.get(), name, H5T_NATIVE_INT64, &value); });
}
void Group::attribute(const std::string& name, std::uint64_t value) {
  collectively(comm_, [&] { write_attribute(h_.get(), name, H5T_NATIVE_UINT64, &value); });
}

void Group::flag_attribute(const std::string& name, bool value) {
  const std::uint8_t v = value ? 1 : 0;
  collectively(comm_, [&] { write_attribute(h_.get(), name, H5T_NATIVE_UINT8, &v); });
}

std::string Group::string_attribute(const std::string& name) const {
  Handle a = open_attribute(h_.get(), name);
  Handle type(check(H5Aget_type(a.get()), "H5Aget_type"));
  if (H5Tget_class(type.get()) != H5T_STRING) throw InputError("attribute '" + name + "' is not a string");
  if (H5Tis_variable_str(type.get()) > 0) {
    char* p = nullptr;
    Handle mt(check(H5Tcopy(H5T_C_S1), "H5Tcopy"));
    H5Tset_size(mt.get(), H5T_VARIABLE);
    H5Tset_cset(mt.get(), H5Tget_cset(type.get()));
    check(H5Aread(a.get(), mt.get(), &p), "read attribute " + name);
    std::string out = p ? p : "";
    H5free_memory(p);
    return out;
  }
  const std::size_t len = H5Tget_size(type.get());
  std::vector<char> buf(len + 1, '\0');
  check(H5Aread(a.get(), type.get(), buf.data()), "read attribute " + name);
  return {buf.data(), strnlen(buf.data(), len)};
}

double Group::double_attribute(const std::string& name) const {
  Handle a = open_attribute(h_.get(), name);
  double v = 0;
  check(H5Aread(a.get(), H5T_NATIVE_DOUBLE, &v), "read attribute " + name);
  return v;
}

std::int64_t Group::int_attribute(const std::string& name) const {
  Handle a = open_attribute(h_.get(), name);
  std::int64_t v = 0;
  check(H5Aread(a.get(), H5T_NATIVE_INT64, &v), "read attribute " + name);
  return v;
}

std::uint64_t Group::uint_attribute(const std::string& name) const {
  Handle a = open_attribute(h_.get(), name);
  std::uint64_t v = 0;
  check(H5Aread(a.get(), H5T_NATIVE_UINT64, &v), "read attribute " + name);
  return v;
}

std::vector<std::string> Group::attribute_names() const {
  std::vector<std::string> names;
  auto collect = [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  };
  hsize_t index = 0;
  check(H5Aiterate2(h_.get(), H5_INDEX_NAME, H5_ITER_INC, &index, collect, &names),
        "H5Aiterate2");
  return names;
}

Group::Kind Group::attribute_kind(const std::string& name) const {
  Handle a = open_attribute(h_.get(), name);
  Handle type(check(H5Aget_type(a.get()), "H5Aget_type"));
  Handle space(check(H5Aget_space(a.get()), "H5Aget_space"));
  if (H5Sget_simple_extent_type(space.get()) != H5S_SCALAR) return Kind::other;
  switch (H5Tget_class(type.get())) {
    case H5T_STRING: return Kind::text;
    case H5T_FLOAT: return Kind::real;
    case H5T_INTEGER:
      if (H5Tget_sign(type.get()) == H5T_SGN_NONE) {
        return H5Tget_size(type.get()) == 1 ? Kind::flag : Kind::unsigned_integer;
      }
      return Kind::signed_integer;
    default: return Kind::other;
  }
}

// ---- File ----------------------------------------------------------------------------------

File File::create_parallel(const std::string& path, const parallel::Comm& comm) {
  silence_hdf5();
  Handle fapl(check(H5Pcreate(H5P_FILE_ACCESS), "H5Pcreate(fapl)"));
  check(H5Pset_fapl_mpio(fapl.get(), parallel::native_handle(comm), MPI_INFO_NULL),
        "H5Pset_fapl_mpio");
  check(H5Pset_all_coll_metadata_ops(fapl.get(), true), "H5Pset_all_coll_metadata_ops");
  check(H5Pset_coll_metadata_write(fapl.get(), true), "H5Pset_coll_metadata_write");
  Handle h = comm.agreed([&] {
    const hid_t id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get());
    if (id < 0) throw IoError("cannot create HDF5 file '" + path + "'");
    return Handle(id);
  });
  File f{std::move(h), &comm};
  f.path_ = path;
  return f;
}

File File::open_read(const std::string& path) {
  silence_hdf5();
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    throw InputError("'" + path + "' is missing, unreadable or not an HDF5 file");
  }
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) throw InputError("cannot open HDF5 file '" + path + "'");
  return {Handle(id), nullptr};
}

File File::create_serial(const std::string& path) {
  silence_hdf5();
  const hid_t id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (id < 0) throw IoError("cannot create HDF5 file '" + path + "'");
  File f{Handle(id), nullptr};
  f.path_ = path;
  return f;
}

Group File::root() const {
  return {Handle(check(H5Gopen2(h_.get(), "/", H5P_DEFAULT), "open /")), comm_};
}

void File::close() {
  collectively(comm_, [&] { h_.close(); });
  if (comm_ != nullptr) {
    // Serially on root, once every rank closed it: deferred strings, dimension scales.
    collectively(comm_, [&] {
      if (comm_->is_root()) finish_for_readers(path_);
    });
  }
}

File::~File() {
  // A parallel file not closed by close() is one whose writing failed (or was interrupted):
  // closing it would be a collective flush that a failing rank may not join (a hang) or that
  // works on broken state (a crash). It is left open, the process must not finalise HDF5 or
  // MPI (see abandoned_files()), and its temporary name is removed by its owner.
  if (h_.valid() && comm_ != nullptr) {
    (void)h_.release();
    g_abandoned = true;
  }
}

bool abandoned_files() noexcept { return g_abandoned; }

std::string hdf5_version() {
  unsigned major = 0, minor = 0, release = 0;
  H5get_libversion(&major, &minor, &release);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(release);
}

// Explicit instantiations for the stored element types.
#define RANKWISE_H5_INSTANTIATE(T)                                                             \
  template void Dataset::write_block<T>(std::span<const T>, const Dims&, const Dims&);         \
  template std::vector<T> Dataset::read<T>() const;                                            \
  template std::vector<T> Dataset::read_block<T>(const Dims&, const Dims&) const;              \
  template Dataset Group::create_dataset<T>(const std::string&, const Dims&, const Dims&);      \
  template void Group::write_root<T>(const std::string&, std::span<const T>, const Dims&);     \
  template void Group::write_rows<T>(const std::string&, std::span<const T>, std::uint64_t,    \
                                     std::uint64_t, std::uint64_t);
RANKWISE_H5_INSTANTIATE(double)
RANKWISE_H5_INSTANTIATE(float)
RANKWISE_H5_INSTANTIATE(std::int64_t)
RANKWISE_H5_INSTANTIATE(std::uint64_t)
RANKWISE_H5_INSTANTIATE(std::int32_t)
RANKWISE_H5_INSTANTIATE(std::uint32_t)
RANKWISE_H5_INSTANTIATE(std::int8_t)
RANKWISE_H5_INSTANTIATE(std::uint8_t)
#undef RANKWISE_H5_INSTANTIATE

}  // namespace rankwise::io
