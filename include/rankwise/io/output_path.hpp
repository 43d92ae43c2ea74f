#pragma once
/// An output file that appears at its final path complete or not at all.
#include <string>
#include <vector>

#include "rankwise/parallel/comm.hpp"

namespace rankwise::io {

/// What an output may do at its final path.
struct OutputRules {
  bool overwrite = false;      ///< replace a file at the final path (else: refuse, even at the end)
  double estimated_bytes = 0;  ///< expected size, checked against the free space (0: unknown)
  bool force = false;          ///< write even if the estimate exceeds the free space by far
  bool keep_on_signal = false; ///< a signal does not discard it (the run finishes it, then stops)
};

/// Reserves a temporary name beside the final path (".NAME.tmp-HOST-PID"); commit() renames it
/// into place after the file was closed. If destroyed uncommitted (an error), the temporary is
/// removed. Temporaries of earlier runs on this host whose process is gone are removed first.
class OutputPath {
 public:
  /// collective: checks on root that the final path may be written (exists → needs
  /// `overwrite`; directory must exist and be writable; free space) and agrees on the verdict.
  OutputPath(std::string final_path, OutputRules rules, const parallel::Comm& comm);
  ~OutputPath();
  OutputPath(const OutputPath&) = delete;
  OutputPath& operator=(const OutputPath&) = delete;

  /// Where to write now.
  [[nodiscard]] const std::string& temporary() const noexcept { return temporary_; }
  [[nodiscard]] const std::string& final_path() const noexcept { return final_; }
  /// collective: after every rank closed the file, root renames it into place (agreed). Without
  /// `overwrite`, a file that appeared at the final path meanwhile is not replaced: the result
  /// is kept under another name and an IoError says which.
  void commit();
  /// Let a signal discard the temporary at once (true) or not (false).
  void set_keep_on_signal(bool keep);

 private:
  std::string final_;
  std::string temporary_;
  OutputRules rules_;
  const parallel::Comm& comm_;
  int slot_ = -1;
  bool committed_ = false;
};

/// Checks alone (no reservation): throws IoError if `path` cannot be created as a new output.
void check_writable(const std::string& path, bool overwrite);

/// Throws InputError if `path` exists but is not a regular file (a FIFO, device, socket or
/// directory would block or mislead a reader); `what` names it ("--ic", "the checkpoint").
/// A missing path passes: the reader reports it in its own words.
void check_regular_file(const std::string& path, const std::string& what);

/// Atomically move `temporary` to `path` (same directory), syncing the data first. Without
/// `replace`, an existing `path` is kept, `temporary` is moved to a free name "STEM-2.EXT"...
/// and an IoError names both.
void publish(const std::string& temporary, const std::string& path, bool replace = true);

/// Remove temporaries ".NAME.tmp-HOST-PID" of `path` left by dead processes on this host;
/// returns one line per file removed or (other host, live process) left in place.
std::vector<std::string> clean_leftovers(const std::string& path);
/// The same for temporaries named PREFIX + "HOST-PID" + SUFFIX in `directory` (outputs made of
/// several files, such as a shapefile's parts).
std::vector<std::string> clean_leftovers(const std::string& directory, const std::string& prefix,
                                         const std::string& suffix);
/// "HOST-PID" of this process, as temporaries are tagged.
[[nodiscard]] std::string temporary_tag();


}  // namespace rankwise::io
