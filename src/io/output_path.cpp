// Write-to-temporary-then-rename for every output file and checkpoint.
#include "rankwise/io/output_path.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "rankwise/errors.hpp"

namespace rankwise::io {
namespace fs = std::filesystem;

namespace {
std::string parent_of(const std::string& path) {
  const fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

void fsync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}
}  // namespace

void check_writable(const std::string& path, bool overwrite) {
  if (path.empty()) throw IoError("output path is empty");
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (fs::exists(status)) {
    if (fs::is_directory(status)) throw IoError("output path '" + path + "' is a directory");
    if (!overwrite) {
      throw IoError("output file '" + path + "' already exists; pass --overwrite to replace it");
    }
  }
  const std::string dir = parent_of(path);
  if (!fs::is_directory(dir, ec)) {
    throw IoError("output directory '" + dir + "' does not exist");
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    throw IoError("output directory '" + dir + "' is not writable: " + std::strerror(errno));
  }
}

void publish(const std::string& temporary, const std::string& path) {
  fsync_path(temporary, O_RDONLY);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    throw IoError("cannot rename '" + temporary + "' to '" + path + "': " + std::strerror(errno));
  }
  fsync_path(parent_of(path), O_RDONLY | O_DIRECTORY);
}

OutputPath::OutputPath(std::string final_path, bool overwrite, const parallel::Comm& comm)
    : final_(std::move(final_path)), comm_(comm) {
  // Root alone touches the file system; every rank learns the verdict and the name.
  comm_.agreed([&] {
    if (!comm_.is_root()) return;
    check_writable(final_, overwrite);
    // Hidden name in the same directory (rename must not cross file systems).
    const fs::path p(final_);
    std::string name = ".";
    name.append(p.filename().string()).append(".tmp-").append(std::to_string(::getpid()));
    temporary_ = (p.parent_path() / name).string();
    const int fd = ::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) {
      throw IoError("cannot create a file in the output directory of '" + final_ +
                    "': " + std::strerror(errno));
    }
    ::close(fd);
  });
  comm_.broadcast(temporary_);
}

OutputPath::~OutputPath() {
  if (!committed_ && comm_.is_root() && !temporary_.empty()) {
    std::error_code ec;
    fs::remove(temporary_, ec);
  }
}

void OutputPath::commit() {
  comm_.barrier();  // every rank has closed its handle to the temporary
  comm_.agreed([&] {
    if (comm_.is_root()) publish(temporary_, final_);
  });
  committed_ = true;
}

}  // namespace rankwise::io
