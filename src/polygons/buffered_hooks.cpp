// shapelib I/O hooks for writing through one large buffer. shapelib seeks before every record
// it writes, and a stdio stream flushes on every seek: one write() of about a kilobyte per
// record. The kernel then keeps the file in 4 kB pages, and mapping those for reading costs
// ~3x more than the large pages it uses for large writes (docs/performance.md, planar areas).
// Here consecutive writes gather in a 4 MiB buffer and a seek flushes only when it leaves the
// end of what is buffered.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "shapelib_handles.hpp"

namespace rankwise::polygons::detail {
namespace {

constexpr std::size_t kBufferBytes = std::size_t{4} << 20;

thread_local std::string write_failure;

struct Buffered {
  int fd = -1;
  std::vector<unsigned char> pending;  // bytes for [pending_at, pending_at + pending.size())
  SAOffset pending_at = 0;
  SAOffset pos = 0;

  // Writes out what is pending; false (and the reason kept) if the system refused.
  bool flush() {
    std::size_t done = 0;
    while (done < pending.size()) {
      const ssize_t n = ::pwrite(fd, pending.data() + done, pending.size() - done,
                                 static_cast<off_t>(pending_at + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        if (write_failure.empty()) write_failure = std::strerror(n < 0 ? errno : EIO);
        pending.clear();
        return false;
      }
      done += static_cast<std::size_t>(n);
    }
    pending.clear();
    return true;
  }
};

Buffered* as_buffered(SAFile f) { return reinterpret_cast<Buffered*>(f); }

SAFile open_buffered(const char* filename, const char* access) {
  const bool plus = std::strchr(access, '+') != nullptr;
  int flags = O_CLOEXEC;
  if (access[0] == 'r') {
    flags |= plus ? O_RDWR : O_RDONLY;
  } else if (access[0] == 'w') {
    flags |= (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_TRUNC;
  } else {
    return nullptr;  // shapelib does not append
  }
  const int fd = ::open(filename, flags, 0666);
  if (fd < 0) return nullptr;
  auto* b = new (std::nothrow) Buffered;
  if (b == nullptr) {
    ::close(fd);
    return nullptr;
  }
  b->fd = fd;
  return reinterpret_cast<SAFile>(b);
}

SAOffset read_buffered(void* p, SAOffset size, SAOffset nmemb, SAFile f) {
  Buffered* b = as_buffered(f);
  if (size == 0 || !b->flush()) return 0;
  std::size_t done = 0;
  const std::size_t want = size * nmemb;
  while (done < want) {
    const ssize_t n = ::pread(b->fd, static_cast<char*>(p) + done, want - done,
                              static_cast<off_t>(b->pos + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  b->pos += done;
  return done / size;
}

SAOffset write_buffered(void* p, SAOffset size, SAOffset nmemb, SAFile f) {
  Buffered* b = as_buffered(f);
  const std::size_t bytes = size * nmemb;
  if (!b->pending.empty() && b->pos != b->pending_at + b->pending.size() && !b->flush()) return 0;
  try {  // no exception may cross shapelib's C frames
    if (b->pending.empty()) {
      b->pending_at = b->pos;
      b->pending.reserve(kBufferBytes);
    }
    const auto* bytes_in = static_cast<const unsigned char*>(p);
    b->pending.insert(b->pending.end(), bytes_in, bytes_in + bytes);
  } catch (const std::bad_alloc&) {
    if (write_failure.empty()) write_failure = "out of memory for the write buffer";
    return 0;
  }
  b->pos += bytes;
  if (b->pending.size() >= kBufferBytes && !b->flush()) return 0;
  return nmemb;
}

SAOffset seek_buffered(SAFile f, SAOffset offset, int whence) {
  Buffered* b = as_buffered(f);
  if (whence == SEEK_SET) {
    b->pos = offset;
  } else if (whence == SEEK_CUR) {
    b->pos += offset;  // unsigned wrap-around for negative offsets, as SAOffset arithmetic
  } else {
    if (!b->flush()) return static_cast<SAOffset>(-1);
    struct stat st {};
    if (::fstat(b->fd, &st) != 0) return static_cast<SAOffset>(-1);
    b->pos = static_cast<SAOffset>(st.st_size) + offset;
  }
  return 0;
}

SAOffset tell_buffered(SAFile f) { return as_buffered(f)->pos; }

int flush_buffered(SAFile f) { return as_buffered(f)->flush() ? 0 : -1; }

int close_buffered(SAFile f) {
  Buffered* b = as_buffered(f);
  bool ok = b->flush();
  if (::close(b->fd) != 0) {
    if (write_failure.empty()) write_failure = std::strerror(errno);
    ok = false;
  }
  delete b;
  return ok ? 0 : -1;
}

int remove_file(const char* filename) { return ::unlink(filename); }

}  // namespace

SAHooks buffered_write_hooks() {
  SAHooks hooks = quiet_hooks();
  hooks.FOpen = open_buffered;
  hooks.FRead = read_buffered;
  hooks.FWrite = write_buffered;
  hooks.FSeek = seek_buffered;
  hooks.FTell = tell_buffered;
  hooks.FFlush = flush_buffered;
  hooks.FClose = close_buffered;
  hooks.Remove = remove_file;
  return hooks;
}

std::string take_write_failure() {
  std::string message;
  std::swap(message, write_failure);
  return message;
}

}  // namespace rankwise::polygons::detail
