#pragma once
// Private to src/polygons: shapelib handles owned by unique_ptr, and quiet error hooks.
#include <shapefil.h>

#include <memory>
#include <string>

namespace rankwise::polygons::detail {

struct ShpCloser {
  void operator()(SHPInfo* h) const noexcept { SHPClose(h); }
};
struct DbfCloser {
  void operator()(DBFInfo* h) const noexcept { DBFClose(h); }
};
struct ShpObjectDestroyer {
  void operator()(SHPObject* o) const noexcept { SHPDestroyObject(o); }
};
/// An open .shp/.shx pair.
using ShpFile = std::unique_ptr<SHPInfo, ShpCloser>;
/// An open .dbf.
using DbfFile = std::unique_ptr<DBFInfo, DbfCloser>;
/// One shape read from a .shp (in fast mode the storage belongs to the ShpFile).
using ShpObject = std::unique_ptr<SHPObject, ShpObjectDestroyer>;

/// Hooks that record shapelib's error messages instead of printing them, so a bad file
/// yields exactly one rankwise error line.
[[nodiscard]] SAHooks quiet_hooks();
/// quiet_hooks() reading through a read-only memory map (no system call per record).
[[nodiscard]] SAHooks mapped_read_hooks();
/// quiet_hooks() writing through a 4 MiB buffer (one write() per 4 MiB instead of one per
/// record; the kernel then keeps the file in large pages). A write the system refuses is kept
/// for take_write_failure(), since shapelib ignores what closing a file returns.
[[nodiscard]] SAHooks buffered_write_hooks();
/// Why the system refused a write through buffered_write_hooks() on this thread ("" if it did
/// not), then cleared.
[[nodiscard]] std::string take_write_failure();
/// The last message shapelib reported through quiet_hooks() on this thread (then cleared).
[[nodiscard]] std::string take_shapelib_error();

}  // namespace rankwise::polygons::detail
