#pragma once
/// How a process ends when asked to: signals (Slurm's time limit, scancel, Ctrl-C, mpiexec
/// forwarding), a second signal, and deadlines for ranks that stop answering.
///
/// The first SIGTERM, SIGINT, SIGUSR1 or SIGUSR2 only sets a flag; the drivers look at it at
/// their safe points (agreed across ranks) and stop cleanly. A second signal more than a second
/// later, or a run that has not stopped within its grace time, removes the files this process
/// registered and ends the process at once with 128 + signal.
#include <string>

namespace rankwise::process {

/// Exit code of a run that stopped early on request (signal or time limit) after saving what
/// it needs to continue (nbody: checkpoint + partial output). Documented in the README.
constexpr int exit_stopped = 75;

/// Install the handlers (SIGTERM, SIGINT, SIGUSR1, SIGUSR2) and start the watchdog thread.
/// Idempotent.
void install_signal_handlers();

/// The first signal received (0: none). Async-signal-safe to read.
[[nodiscard]] int pending_signal() noexcept;

/// "SIGTERM", "SIGINT", ... for `signal`.
[[nodiscard]] std::string signal_name(int signal);

/// For tests: pretend `signal` was received now (0 clears).
void simulate_signal(int signal) noexcept;

/// Seconds the run may take after the first signal to stop on its own before the watchdog ends
/// it (default 10 s; drivers raise it by what a checkpoint needs).
void set_signal_grace(double seconds) noexcept;

/// How a registered file is treated when a signal arrives.
enum class OnSignal {
  discard_at_once,  ///< unlinked by the first signal (a result that will not be completed)
  discard_if_killed  ///< unlinked only if the process is ended abruptly (second signal, deadline)
};

/// Register a file (a temporary output) to be removed by the abrupt paths above. Returns a slot
/// for forget_file(); -1 if the table is full (the file is then simply not tracked).
int remember_file(const std::string& path, OnSignal mode);
/// Stop tracking `slot` (the file was renamed into place or removed normally).
void forget_file(int slot) noexcept;

/// End the process with `code` at `seconds` from now unless disarmed: for a rank that waits on
/// a peer that may never answer (a failed write on another rank). `what` is printed.
void arm_deadline(double seconds, const char* what) noexcept;
void disarm_deadline() noexcept;

}  // namespace rankwise::process
