// Signals, a second signal, and deadlines: see include/rankwise/process/shutdown.hpp.
#include "rankwise/process/shutdown.hpp"

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <thread>

namespace rankwise::process {
namespace {

constexpr int kSlots = 16;
constexpr std::size_t kPathMax = 4096;

// Everything the handler and the watchdog touch is a lock-free atomic or a fixed array, so both
// may read it at any moment (also during static destruction at exit).
struct Slot {
  std::atomic<int> used{0};
  std::atomic<int> mode{0};
  char path[kPathMax] = {};
};
Slot g_slots[kSlots];

std::atomic<int> g_signal{0};
std::atomic<long long> g_signal_ns{0};
std::atomic<long long> g_grace_ns{10'000'000'000LL};
std::atomic<long long> g_deadline_ns{0};
std::atomic<const char*> g_deadline_what{""};
std::atomic<bool> g_installed{false};

long long now_ns() noexcept {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<long long>(t.tv_sec) * 1'000'000'000LL + t.tv_nsec;
}

void say(const char* text) noexcept {
  const ssize_t ignored = ::write(STDERR_FILENO, text, std::strlen(text));
  (void)ignored;
}

// Async-signal-safe: unlink() only.
void remove_files(bool all) noexcept {
  for (auto& s : g_slots) {
    if (s.used.load() == 0) continue;
    if (all || s.mode.load() == static_cast<int>(OnSignal::discard_at_once)) ::unlink(s.path);
  }
}

[[noreturn]] void end_now(int code, const char* why) noexcept {
  remove_files(true);
  say(why);
  _exit(code);
}

void on_signal(int sig) {
  const long long t = now_ns();
  int none = 0;
  if (g_signal.compare_exchange_strong(none, sig)) {
    g_signal_ns.store(t);
    remove_files(false);
    return;
  }
  // Ctrl-C reaches a rank twice at once (from the terminal and forwarded by mpiexec): only a
  // signal that comes noticeably later is the user insisting.
  if (t - g_signal_ns.load() < 1'000'000'000LL) return;
  end_now(128 + sig, "rankwise: second signal: stopping at once; the last checkpoint is kept\n");
}

void watch() {
  while (true) {
    timespec pause{0, 100'000'000};
    nanosleep(&pause, nullptr);
    const long long t = now_ns();
    const int sig = g_signal.load();
    if (sig != 0 && g_signal_ns.load() != 0 && t - g_signal_ns.load() > g_grace_ns.load()) {
      end_now(128 + sig,
              "rankwise: the run did not stop in time after the signal (a rank stopped "
              "answering?): ending at once; the last checkpoint is kept\n");
    }
    const long long deadline = g_deadline_ns.load();
    if (deadline != 0 && t > deadline) {
      say("rankwise: error: ");
      say(g_deadline_what.load());
      end_now(1, ": other ranks did not answer in time; ending this rank\n");
    }
  }
}

}  // namespace

void install_signal_handlers() {
  if (g_installed.exchange(true)) return;
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (int sig : {SIGTERM, SIGINT, SIGUSR1, SIGUSR2}) sigaction(sig, &action, nullptr);
  // Never joined nor destroyed: it only reads the atomics above and ends with the process.
  auto* watchdog = new std::thread(watch);
  watchdog->detach();
}

int pending_signal() noexcept { return g_signal.load(); }

std::string signal_name(int signal) {
  switch (signal) {
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGUSR1: return "SIGUSR1";
    case SIGUSR2: return "SIGUSR2";
    default: return "signal " + std::to_string(signal);
  }
}

void simulate_signal(int signal) noexcept {
  g_signal.store(signal);
  g_signal_ns.store(signal != 0 ? now_ns() : 0);
}

void set_signal_grace(double seconds) noexcept {
  g_grace_ns.store(static_cast<long long>(seconds * 1e9));
}

int remember_file(const std::string& path, OnSignal mode) {
  if (path.size() >= kPathMax) return -1;
  for (int i = 0; i < kSlots; ++i) {
    int expected = 0;
    Slot& s = g_slots[i];
    if (s.used.load() != 0) continue;
    std::memcpy(s.path, path.c_str(), path.size() + 1);
    s.mode.store(static_cast<int>(mode));
    if (s.used.compare_exchange_strong(expected, 1)) return i;
  }
  return -1;
}

void forget_file(int slot) noexcept {
  if (slot >= 0 && slot < kSlots) g_slots[slot].used.store(0);
}

void arm_deadline(double seconds, const char* what) noexcept {
  g_deadline_what.store(what);
  g_deadline_ns.store(now_ns() + static_cast<long long>(seconds * 1e9));
}

void disarm_deadline() noexcept { g_deadline_ns.store(0); }

}  // namespace rankwise::process
