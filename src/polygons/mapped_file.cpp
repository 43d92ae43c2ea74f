// Read-only memory maps: the .shp reader parses records in place instead of copying them.
#include "mapped_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "rankwise/errors.hpp"

namespace rankwise::polygons::detail {
namespace {

// Closes the descriptor on every path out of the constructor; the mapping outlives it.
struct Descriptor {
  int fd;
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

MappedFile::MappedFile(const std::string& path, bool populate) {
  const Descriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) throw InputError(path + ": cannot open for reading: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(file.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    throw InputError(path + ": not a regular file");
  }
  size_ = static_cast<std::size_t>(st.st_size);
  if (size_ == 0) return;
  const int flags = MAP_PRIVATE | (populate ? MAP_POPULATE : 0);
  void* base = ::mmap(nullptr, size_, PROT_READ, flags, file.fd, 0);
  if (base == MAP_FAILED) {
    size_ = 0;
    throw InputError(path + ": cannot map: " + std::strerror(errno));
  }
  data_ = static_cast<const unsigned char*>(base);
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    MappedFile old(std::move(*this));
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

void MappedFile::prefault(std::size_t offset, std::size_t length) const noexcept {
  if (data_ == nullptr || offset >= size_) return;
  length = std::min(length, size_ - offset);
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t begin = offset / page * page;  // the map starts on a page boundary
  void* start = const_cast<unsigned char*>(data_) + begin;
  const std::size_t span = offset + length - begin;
  // MADV_POPULATE_READ (Linux 5.14) faults the range in now; older kernels refuse it (EINVAL)
  // and get read-ahead instead.
  constexpr int populate_read = 22;  // MADV_POPULATE_READ, absent from older headers
  if (::madvise(start, span, populate_read) != 0) (void)::madvise(start, span, MADV_WILLNEED);
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(const_cast<unsigned char*>(data_), size_);
}

}  // namespace rankwise::polygons::detail
