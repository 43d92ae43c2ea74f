#pragma once
/// RAII over the HDF5 C API. No hid_t leaves src/io: handles are owned by these classes,
/// every C call is checked and failures throw IoError; destructors never throw.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "rankwise/parallel/comm.hpp"

namespace rankwise::io {

/// An owned HDF5 identifier (closed with the matching H5*close on destruction).
class Handle {
 public:
  Handle() = default;
  explicit Handle(std::int64_t id) : id_(id) {}
  ~Handle();
  Handle(Handle&& other) noexcept : id_(other.id_) { other.id_ = -1; }
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  [[nodiscard]] std::int64_t get() const noexcept { return id_; }
  [[nodiscard]] bool valid() const noexcept { return id_ >= 0; }
  /// Closes now, reporting failure (unlike the destructor).
  void close();
  /// Gives up ownership without closing; returns the identifier.
  std::int64_t release() noexcept;

 private:
  std::int64_t id_ = -1;
};

using Dims = std::vector<std::uint64_t>;

/// Element types rankwise stores.
template <class T>
concept Storable = std::is_same_v<T, double> || std::is_same_v<T, float> ||
                   std::is_same_v<T, std::int64_t> || std::is_same_v<T, std::uint64_t> ||
                   std::is_same_v<T, std::int32_t> || std::is_same_v<T, std::uint32_t> ||
                   std::is_same_v<T, std::int8_t> || std::is_same_v<T, std::uint8_t>;

/// A dataset. Writes are collective when the file was opened in parallel.
class Dataset {
 public:
  explicit Dataset(Handle h, const parallel::Comm* comm) : h_(std::move(h)), comm_(comm) {}
  /// Current extent.
  [[nodiscard]] Dims dims() const;
  /// collective: write `data` into the block [start, start+count); ranks with nothing to write
  /// pass an empty count (all zeros).
  template <Storable T>
  void write_block(std::span<const T> data, const Dims& start, const Dims& count);
  /// collective: grow an extendable (chunked) dataset.
  void extend(const Dims& dims);
  /// Read the whole dataset (serial or every rank); throws InputError on a type mismatch.
  template <Storable T>
  [[nodiscard]] std::vector<T> read() const;
  /// Read the block [start, start+count) (any rank alone; no collective).
  template <Storable T>
  [[nodiscard]] std::vector<T> read_block(const Dims& start, const Dims& count) const;
  /// Read strings (fixed- or variable-length) from a 1-D string dataset.
  [[nodiscard]] std::vector<std::string> read_strings() const;
  /// True if the stored element type is a floating-point type.
  [[nodiscard]] bool is_float() const;
  /// The stored element type, e.g. "float64", "uint32", "string" ("other" for the rest).
  [[nodiscard]] std::string type_name() const;
  void attribute(const std::string& name, const std::string& value);
  void attribute(const std::string& name, double value);
  void attribute(const std::string& name, std::int64_t value);

 private:
  Handle h_;
  const parallel::Comm* comm_;
};

/// A group (the file's root group included). Creation calls are collective in parallel files.
class Group {
 public:
  Group(Handle h, const parallel::Comm* comm) : h_(std::move(h)), comm_(comm) {}
  /// collective: a new sub-group.
  [[nodiscard]] Group create_group(const std::string& name);
  [[nodiscard]] Group open_group(const std::string& name) const;
  [[nodiscard]] bool exists(const std::string& name) const;
  [[nodiscard]] bool has_attribute(const std::string& name) const;
  /// Names of the sub-groups and datasets directly in this group (alphabetical).
  [[nodiscard]] std::vector<std::string> group_names() const;
  [[nodiscard]] std::vector<std::string> dataset_names() const;

  /// collective: a dataset of `dims`; chunked and extendable along dim 0 when `chunk` is given.
  template <Storable T>
  [[nodiscard]] Dataset create_dataset(const std::string& name, const Dims& dims,
                                       const Dims& chunk = {});
  [[nodiscard]] Dataset open_dataset(const std::string& name) const;

  /// collective: a dataset holding root's `data` (other ranks' `data` is ignored).
  template <Storable T>
  void write_root(const std::string& name, std::span<const T> data, const Dims& dims);
  /// collective: a dataset of `total_rows` rows of `row_width` values; each rank writes its
  /// own `local` rows starting at `first_row`.
  template <Storable T>
  void write_rows(const std::string& name, std::span<const T> local, std::uint64_t total_rows,
                  std::uint64_t first_row, std::uint64_t row_width = 1);
  /// collective: fixed-length UTF-8 strings, each rank writing its rows from `first_row`.
  void write_string_rows(const std::string& name, const std::vector<std::string>& local,
                         std::uint64_t total_rows, std::uint64_t first_row);
  /// collective: root's strings (fixed-length UTF-8).
  void write_strings_root(const std::string& name, const std::vector<std::string>& values);

  /// collective: once the file is closed, root adds group `views_group` beside `name` with one
  /// HDF5 virtual dataset row_view_name(name, i) per index i of dataset `name`'s first axis,
  /// each a view of row i (no data copied), for readers that cannot select slabs themselves.
  /// Each block of kRowsPerBlock views has its own dimension scales. Only the rows
  /// viewed_rows() names get views. Parallel files only.
  void row_views(const std::string& name, const std::string& views_group);

  /// collective: scalar attributes (every rank passes the same value). Strings are UTF-8.
  void attribute(const std::string& name, const std::string& value);
  void attribute(const std::string& name, double value);
  void attribute(const std::string& name, std::int64_t value);
  void attribute(const std::string& name, std::uint64_t value);
  void attribute(const std::string& name, int value) {
    attribute(name, static_cast<std::int64_t>(value));
  }
  /// collective: a flag, stored as uint8 0/1 (h5py reads numpy.uint8).
  void flag_attribute(const std::string& name, bool value);
  [[nodiscard]] std::string string_attribute(const std::string& name) const;
  [[nodiscard]] double double_attribute(const std::string& name) const;
  [[nodiscard]] std::int64_t int_attribute(const std::string& name) const;
  [[nodiscard]] std::uint64_t uint_attribute(const std::string& name) const;
  /// Names of this group's attributes (alphabetical).
  [[nodiscard]] std::vector<std::string> attribute_names() const;
  /// How an attribute is stored.
  enum class Kind { signed_integer, unsigned_integer, flag, real, text, other };
  [[nodiscard]] Kind attribute_kind(const std::string& name) const;

 private:
  Handle h_;
  const parallel::Comm* comm_;
};

/// An HDF5 file: created in parallel by every rank (MPI-IO) or opened for reading.
class File {
 public:
  /// collective: create (truncate) `path` with the MPI-IO driver on every rank of `comm`.
  [[nodiscard]] static File create_parallel(const std::string& path, const parallel::Comm& comm);
  /// Open an existing file read-only with the serial driver (one rank or each rank alone).
  [[nodiscard]] static File open_read(const std::string& path);
  /// Create a file with the serial driver (tests, tools, generated inputs).
  [[nodiscard]] static File create_serial(const std::string& path);
  [[nodiscard]] Group root() const;
  /// collective (parallel files): flush and close, throwing IoError (agreed) on failure; then
  /// root reopens it serially to finish it for readers (variable-length strings, which
  /// parallel HDF5 cannot write, and HDF5 dimension scales on every dataset; h5_readers.cpp).
  void close();
  File(File&&) noexcept = default;
  File& operator=(File&&) noexcept = default;
  /// A parallel file that was not closed (an error unwound past it) is abandoned, not closed:
  /// see abandoned_files().
  ~File();

 private:
  File(Handle h, const parallel::Comm* comm) : h_(std::move(h)), comm_(comm) {}
  Handle h_;
  const parallel::Comm* comm_ = nullptr;
  std::string path_;
};

/// True once a parallel file was abandoned after an error: the process must then end with
/// _exit (no MPI_Finalize, no HDF5 shutdown, both of which would touch the broken file).
[[nodiscard]] bool abandoned_files() noexcept;

/// Row views per block group (Group::row_views).
inline constexpr std::uint64_t kRowsPerBlock = 100;

/// The path of the view of row `row` below its views group, made by Group::row_views:
/// row 1234 of "positions" is "001200/positions_001234".
[[nodiscard]] std::string row_view_name(const std::string& dataset, std::uint64_t row);

/// At most this many rows get views: HDF5 1.10 takes ~0.2 ms to create a virtual dataset, so
/// 20,000 frames of positions and velocities would add ~9 s to a run's write phase.
inline constexpr std::uint64_t kMaxRowViews = 1000;

/// The rows of a `rows`-row dataset that Group::row_views makes views of, ascending: all of
/// them up to kMaxRowViews, else evenly strided ones (every k-th, k the smallest stride that
/// fits) plus the last row.
[[nodiscard]] std::vector<std::uint64_t> viewed_rows(std::uint64_t rows);

/// The HDF5 library version, e.g. "1.10.8".
[[nodiscard]] std::string hdf5_version();

}  // namespace rankwise::io
