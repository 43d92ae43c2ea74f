// Write-to-temporary-then-rename for every output file and checkpoint.
#include "rankwise/io/output_path.hpp"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "rankwise/driver/memory.hpp"
#include "rankwise/errors.hpp"
#include "rankwise/process/shutdown.hpp"

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

std::string this_host() {
  char name[HOST_NAME_MAX + 1] = {};
  if (::gethostname(name, sizeof name) != 0) return "host";
  std::string h = name;
  for (char& c : h) {
    if (c == '/' || c == '-') c = '_';  // '-' separates host and pid in the name
  }
  return h;
}

// ".NAME.tmp-" : the prefix of every temporary of `path`.
std::string temporary_prefix(const std::string& path) {
  std::string prefix(".");  // appended, not "." + name: GCC 12 warns falsely (-Wrestrict) on that
  prefix += fs::path(path).filename().string();
  prefix += ".tmp-";
  return prefix;
}

// Move without replacing: renameat2(RENAME_NOREPLACE), or link + unlink where the file system
// does not offer it. Returns errno (0 on success).
int move_no_replace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) return errno;
  if (::link(from.c_str(), to.c_str()) != 0) return errno;
  ::unlink(from.c_str());
  return 0;
}

std::string kind_of(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISDIR(mode)) return "a directory";
  return "not a regular file";
}
}  // namespace

void check_writable(const std::string& path, bool overwrite) {
  if (path.empty()) throw IoError("output path is empty");
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (fs::exists(status)) {
    if (fs::is_directory(status)) throw IoError("output path '" + path + "' is a directory");
    if (!fs::is_regular_file(status)) {
      struct stat st {};
      ::stat(path.c_str(), &st);
      throw IoError("output path '" + path + "' is " + kind_of(st.st_mode) +
                    "; rankwise writes regular files only");
    }
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

void check_regular_file(const std::string& path, const std::string& what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return;  // missing: the reader says so in its words
  if (!S_ISREG(st.st_mode)) {
    throw InputError(what + ": '" + path + "' is " + kind_of(st.st_mode) +
                     ", not a regular file");
  }
}

void publish(const std::string& temporary, const std::string& path, bool replace) {
  fsync_path(temporary, O_RDONLY);
  if (replace) {
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
      throw IoError("cannot rename '" + temporary + "' to '" + path + "': " + std::strerror(errno));
    }
  } else if (const int err = move_no_replace(temporary, path); err != 0) {
    if (err != EEXIST) {
      throw IoError("cannot rename '" + temporary + "' to '" + path + "': " + std::strerror(err));
    }
    // Someone else wrote `path` while this run was going: keep theirs and ours.
    const fs::path p(path);
    for (int k = 2; k < 1000; ++k) {
      const std::string other =
          (p.parent_path() / (p.stem().string() + "-" + std::to_string(k) + p.extension().string()))
              .string();
      if (move_no_replace(temporary, other) == 0) {
        fsync_path(parent_of(path), O_RDONLY | O_DIRECTORY);
        throw IoError("'" + path + "' appeared while this run was writing it (another run with " +
                      "the same output?); it was not replaced; this run's result is in '" +
                      other + "'");
      }
    }
    throw IoError("'" + path + "' appeared while this run was writing it; not replaced");
  }
  fsync_path(parent_of(path), O_RDONLY | O_DIRECTORY);
}

std::string temporary_tag() { return this_host() + "-" + std::to_string(::getpid()); }

std::vector<std::string> clean_leftovers(const std::string& path) {
  return clean_leftovers(parent_of(path), temporary_prefix(path), "");
}

std::vector<std::string> clean_leftovers(const std::string& directory, const std::string& prefix,
                                         const std::string& suffix) {
  std::vector<std::string> lines;
  const std::string host = this_host();
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(directory, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() < prefix.size() + suffix.size() || name.rfind(prefix, 0) != 0 ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
      continue;
    }
    // HOST-PID (or PID: older runs)
    const std::string tag = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    const auto dash = tag.rfind('-');
    const std::string owner_host = dash == std::string::npos ? host : tag.substr(0, dash);
    const std::string pid_text = dash == std::string::npos ? tag : tag.substr(dash + 1);
    if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos) continue;
    const long pid = std::strtol(pid_text.c_str(), nullptr, 10);
    if (owner_host != host) {
      lines.push_back("note: '" + entry.path().string() + "' belongs to a run on host " +
                      owner_host + "; remove it if that run is over");
      continue;
    }
    if (pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM)) {
      lines.push_back("note: '" + entry.path().string() + "' is being written by process " +
                      pid_text + " (another run with the same output?)");
      continue;
    }
    if (fs::remove(entry.path(), ec)) {
      lines.push_back("removed '" + entry.path().string() +
                      "', left by an earlier run that was killed (process " + pid_text + " is gone)");
    }
  }
  return lines;
}

OutputPath::OutputPath(std::string final_path, OutputRules rules, const parallel::Comm& comm)
    : final_(std::move(final_path)), rules_(rules), comm_(comm) {
  // Root alone touches the file system; every rank learns the verdict and the name.
  comm_.agreed([&] {
    if (!comm_.is_root()) return;
    check_writable(final_, rules_.overwrite);
    for (const auto& line : clean_leftovers(final_)) {
      std::fprintf(stderr, "rankwise: %s\n", line.c_str());
    }
    const std::string dir = parent_of(final_);
    struct statvfs fsinfo {};
    if (rules_.estimated_bytes > 0 && ::statvfs(dir.c_str(), &fsinfo) == 0) {
      const double free_bytes = static_cast<double>(fsinfo.f_bavail) * static_cast<double>(fsinfo.f_frsize);
      if (rules_.estimated_bytes > free_bytes) {
        const std::string sizes = "'" + final_ + "' needs about " +
                                  driver::format_bytes(rules_.estimated_bytes) + " but '" + dir +
                                  "' has " + driver::format_bytes(free_bytes) + " free";
        if (rules_.estimated_bytes > 2 * free_bytes && !rules_.force) {
          throw IoError(sizes + "; free some space, write elsewhere (-o), write less, or pass "
                        "--force to try anyway");
        }
        std::fprintf(stderr, "rankwise: warning: %s; the run may fail when the disk fills\n",
                     sizes.c_str());
      }
    }
    // Hidden name in the same directory (rename must not cross file systems).
    const fs::path p(final_);
    const std::string name = temporary_prefix(final_) + temporary_tag();
    temporary_ = (p.parent_path() / name).string();
    const int fd = ::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) {
      throw IoError("cannot create a file in the output directory of '" + final_ +
                    "': " + std::strerror(errno));
    }
    ::close(fd);
    slot_ = process::remember_file(temporary_, rules_.keep_on_signal
                                                   ? process::OnSignal::discard_if_killed
                                                   : process::OnSignal::discard_at_once);
  });
  comm_.broadcast(temporary_);
}

void OutputPath::set_keep_on_signal(bool keep) {
  if (slot_ < 0) return;
  process::forget_file(slot_);
  slot_ = process::remember_file(temporary_, keep ? process::OnSignal::discard_if_killed
                                                  : process::OnSignal::discard_at_once);
}

OutputPath::~OutputPath() {
  process::forget_file(slot_);
  if (!committed_ && comm_.is_root() && !temporary_.empty()) {
    std::error_code ec;
    fs::remove(temporary_, ec);
  }
}

void OutputPath::commit() {
  comm_.barrier();  // every rank has closed its handle to the temporary
  comm_.agreed([&] {
    if (!comm_.is_root()) return;
    process::forget_file(slot_);
    slot_ = -1;
    if (::access(temporary_.c_str(), F_OK) != 0 && process::pending_signal() != 0) {
      throw Stopped("stopped by " + process::signal_name(process::pending_signal()) +
                        " while writing '" + final_ + "'; nothing written",
                    signal_exit(process::pending_signal()));
    }
    publish(temporary_, final_, rules_.overwrite);
  });
  committed_ = true;
}

}  // namespace rankwise::io
