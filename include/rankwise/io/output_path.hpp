#pragma once
/// An output file that appears at its final path complete or not at all.
#include <string>

#include "rankwise/parallel/comm.hpp"

namespace rankwise::io {

/// Reserves a temporary name beside the final path; commit() renames it into place after the
/// file was closed. If destroyed uncommitted (an error), the temporary is removed.
class OutputPath {
 public:
  /// collective: checks on root that the final path may be written (exists → needs
  /// `overwrite`; directory must exist and be writable) and agrees on the verdict.
  OutputPath(std::string final_path, bool overwrite, const parallel::Comm& comm);
  ~OutputPath();
  OutputPath(const OutputPath&) = delete;
  OutputPath& operator=(const OutputPath&) = delete;

  /// Where to write now.
  [[nodiscard]] const std::string& temporary() const noexcept { return temporary_; }
  [[nodiscard]] const std::string& final_path() const noexcept { return final_; }
  /// collective: after every rank closed the file, root renames it into place (agreed).
  void commit();

 private:
  std::string final_;
  std::string temporary_;
  const parallel::Comm& comm_;
  bool committed_ = false;
};

/// Checks alone (no reservation): throws IoError if `path` cannot be created as a new output.
void check_writable(const std::string& path, bool overwrite);

/// Atomically replace `path` with `temporary` (same directory), syncing the data first.
void publish(const std::string& temporary, const std::string& path);

}  // namespace rankwise::io
