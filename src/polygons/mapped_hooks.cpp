// shapelib I/O hooks that read from a memory map: SHPReadObject/DBFRead* then cost a memcpy
// instead of an fseek + fread pair of system calls per record (4x faster reading at 10 M
// vertices; see docs/polygons.md).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <new>

#include "shapelib_handles.hpp"

namespace rankwise::polygons::detail {
namespace {

struct Mapped {
  void* base = nullptr;
  SAOffset size = 0;
  SAOffset pos = 0;
};

Mapped* as_mapped(SAFile f) { return reinterpret_cast<Mapped*>(f); }

SAFile open_mapped(const char* filename, const char* access) {
  if (std::strpbrk(access, "wa+") != nullptr) return nullptr;  // read-only hooks
  const int fd = ::open(filename, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return nullptr;
  }
  auto* m = new (std::nothrow) Mapped;
  if (m == nullptr) {
    ::close(fd);
    return nullptr;
  }
  m->size = static_cast<SAOffset>(st.st_size);
  if (m->size > 0) {
    // MAP_POPULATE: one bulk fault instead of one per page during the record loop.
    m->base = ::mmap(nullptr, m->size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (m->base == MAP_FAILED) {
      ::close(fd);
      delete m;
      return nullptr;
    }
  }
  ::close(fd);  // the mapping keeps the file
  return reinterpret_cast<SAFile>(m);
}

SAOffset read_mapped(void* p, SAOffset size, SAOffset nmemb, SAFile f) {
  Mapped* m = as_mapped(f);
  if (size == 0 || m->pos >= m->size) return 0;
  // Like fread, a trailing partial item is still copied (shapelib reads the short .cpg as
  // one 31-byte item and relies on that).
  const SAOffset bytes = std::min(size * nmemb, m->size - m->pos);
  std::memcpy(p, static_cast<const char*>(m->base) + m->pos, bytes);
  m->pos += bytes;
  return bytes / size;
}

SAOffset write_refused(void*, SAOffset, SAOffset, SAFile) { return 0; }

SAOffset seek_mapped(SAFile f, SAOffset offset, int whence) {
  Mapped* m = as_mapped(f);
  const SAOffset base = whence == SEEK_CUR ? m->pos : whence == SEEK_END ? m->size : 0;
  const SAOffset target = base + offset;  // unsigned wrap-around for negative offsets
  if (target > m->size) return static_cast<SAOffset>(-1);
  m->pos = target;
  return 0;
}

SAOffset tell_mapped(SAFile f) { return as_mapped(f)->pos; }
int flush_mapped(SAFile) { return 0; }

int close_mapped(SAFile f) {
  Mapped* m = as_mapped(f);
  if (m->base != nullptr) ::munmap(m->base, m->size);
  delete m;
  return 0;
}

int remove_refused(const char*) { return -1; }

}  // namespace

SAHooks mapped_read_hooks() {
  SAHooks hooks = quiet_hooks();
  hooks.FOpen = open_mapped;
  hooks.FRead = read_mapped;
  hooks.FWrite = write_refused;
  hooks.FSeek = seek_mapped;
  hooks.FTell = tell_mapped;
  hooks.FFlush = flush_mapped;
  hooks.FClose = close_mapped;
  hooks.Remove = remove_refused;
  return hooks;
}

}  // namespace rankwise::polygons::detail
