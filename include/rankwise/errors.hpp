#pragma once
/// Typed exceptions used below the drivers; each driver catches them once.
#include <stdexcept>
#include <string>

namespace rankwise {

/// Process exit codes: documented in README ("Exit codes").
/// 75 (EX_TEMPFAIL): stopped early on request with what is needed to continue; 128 + N: stopped
/// by signal N with nothing to continue from.
enum class ExitCode : int { ok = 0, failure = 1, usage = 2, stopped = 75 };

/// The exit code for a run ended by `signal` (128 + signal, as shells report it).
[[nodiscard]] inline ExitCode signal_exit(int signal) { return static_cast<ExitCode>(128 + signal); }

/// Base of every rankwise error: carries the exit code the process should end with.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what, ExitCode code = ExitCode::failure)
      : std::runtime_error(what), code_(code) {}
  /// The exit code this error maps to.
  [[nodiscard]] ExitCode code() const noexcept { return code_; }

 private:
  ExitCode code_;
};

/// A bad command-line value (exit code 2).
class UsageError : public Error {
 public:
  explicit UsageError(const std::string& what) : Error(what, ExitCode::usage) {}
};

/// A malformed or inconsistent input file.
class InputError : public Error {
 public:
  using Error::Error;
};

/// A failure reading or writing output (HDF5, rename, permissions).
class IoError : public Error {
 public:
  using Error::Error;
};

/// A run that cannot fit in memory or exceeds a documented limit.
class ResourceError : public Error {
 public:
  using Error::Error;
};

/// A run stopped by a signal or the time limit (the message says what was kept).
class Stopped : public Error {
 public:
  using Error::Error;
};

/// An error every rank agreed on; rethrown identically on all ranks.
class CollectiveError : public Error {
 public:
  using Error::Error;
};

}  // namespace rankwise
