#pragma once
// Private to src/polygons: a read-only memory map of a whole file, owned (RAII).
#include <cstddef>
#include <string>

namespace rankwise::polygons::detail {

/// A file mapped read-only for its lifetime; unmapped by the destructor. Move-only.
class MappedFile {
 public:
  /// Maps `path` (a regular file); `populate` pre-faults every page in one system call.
  /// Throws InputError naming the file.
  MappedFile(const std::string& path, bool populate);
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  /// The mapped bytes (nullptr for an empty file) and their count.
  [[nodiscard]] const unsigned char* data() const noexcept { return data_; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  /// Faults in the pages holding bytes [offset, offset + length) (clamped to the map) in one
  /// system call, as MAP_POPULATE does for a whole file. Only a hint: errors are ignored.
  void prefault(std::size_t offset, std::size_t length) const noexcept;

 private:
  const unsigned char* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace rankwise::polygons::detail
