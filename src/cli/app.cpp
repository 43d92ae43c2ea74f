// Command-line front end (CLI11): one subcommand per driver.
#include "rankwise/cli/app.hpp"

#include <omp.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <functional>
#include <optional>

#include "rankwise/build_info.hpp"
#include "rankwise/cli/parse.hpp"
#include "rankwise/cli/subcommands.hpp"
#include "rankwise/errors.hpp"
#include "rankwise/io/provenance.hpp"

namespace rankwise::cli {
namespace {

std::string join_command_line(int argc, char** argv) {
  std::string out;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (a.find_first_of(" \t\"'") != std::string::npos) a = "'" + a + "'";
    out += (i ? " " : "") + a;
  }
  return out;
}

void print_error(const parallel::Comm& comm, const std::string& message) {
  if (comm.is_root()) std::fprintf(stderr, "rankwise: error: %s\n", message.c_str());
}

// A failure outside agreed(): if every rank failed too (the usual case: same command line,
// same checks) report once; if some rank went on into a collective (ranks that disagree
// about their options: an MPMD launch, a --config on node-local disk), end the job.
int fail_or_abort(const parallel::Comm& comm, const parallel::LocalFailure& failure) {
  if (auto agreed = comm.fail_together(failure, 10.0)) {
    print_error(comm, agreed->message);
    return static_cast<int>(agreed->code);
  }
  std::fprintf(stderr, "rankwise: error (rank %d, aborting the job): %s\n", comm.rank(),
               failure.message.c_str());
  std::fflush(stderr);
  comm.abort(static_cast<int>(failure.code));
}

int run_info(const parallel::Comm& comm, int threads) {
  const auto hosts = comm.gather(comm.host());
  if (!comm.is_root()) return 0;
  std::printf("rankwise %s\n", build::version);
  for (const auto& [name, value] : io::build_description()) {
    std::printf("  %-22s %s\n", name.c_str(), value.c_str());
  }
  std::printf("  %-22s %d\n", "mpi_ranks", comm.size());
  std::printf("  %-22s %d (omp_get_max_threads: %d, cores here: %d)\n", "omp_threads_per_rank",
              threads, omp_get_max_threads(), omp_get_num_procs());
  std::string host_list;
  for (const auto& h : hosts) host_list += (host_list.empty() ? "" : " ") + h;
  std::printf("  %-22s %s\n", "hosts", host_list.c_str());
  return 0;
}

}  // namespace

void add_common_options(CLI::App& sub, CommonText& common, const std::string& default_output) {
  common.output = default_output;
  sub.add_option("-o,--output", common.output, "HDF5 output file")->capture_default_str();
  sub.add_flag("--overwrite", common.overwrite, "Replace an existing output file");
  sub.add_option("--threads", common.threads,
                 "OpenMP threads per rank (default: OMP_NUM_THREADS, else 1)");
  sub.add_flag("-q,--quiet", common.quiet, "Print nothing but errors");
}

driver::CommonOptions CommonText::validate() const {
  driver::CommonOptions o;
  o.output = output;
  o.overwrite = overwrite;
  o.quiet = quiet;
  o.threads = threads.empty() ? default_threads()
                              : static_cast<int>(parse_count(threads, "--threads", 4096));
  return o;
}

int run(int argc, char** argv, const parallel::Comm& comm) {
  CLI::App app{"rankwise: MPI + OpenMP drivers for pi, N-body gravity and polygon areas.\n"
               "Results and per-rank timings go to one HDF5 file.",
               "rankwise"};
  app.set_version_flag("--version", std::string("rankwise ") + build::version + " (" +
                                        build::git_commit + ")");
  app.set_config("--config", "", "Read options from a TOML/INI file ([pi] terms = 1e9 ...)");
  app.require_subcommand(1);
  app.fallthrough();

  std::string info_threads;
  auto* info = app.add_subcommand("info", "Print the build configuration and what the run sees");
  info->add_option("--threads", info_threads, "OpenMP threads per rank");

  std::vector<Subcommand> subs = make_subcommands(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return comm.is_root() ? app.exit(e) : 0;
  } catch (const CLI::CallForAllHelp& e) {
    return comm.is_root() ? app.exit(e) : 0;
  } catch (const CLI::CallForVersion& e) {
    return comm.is_root() ? app.exit(e) : 0;
  } catch (const CLI::ParseError& e) {
    return fail_or_abort(comm, {std::string(e.what()) + " (see rankwise --help)", ExitCode::usage});
  }

  const std::string command_line = join_command_line(argc, argv);
  try {
    if (info->parsed()) {
      const int threads = info_threads.empty()
                              ? default_threads()
                              : static_cast<int>(parse_count(info_threads, "--threads", 4096));
      return run_info(comm, threads);
    }
    for (auto& s : subs) {
      if (s.app->parsed()) return s.run(comm, command_line);
    }
    return static_cast<int>(ExitCode::usage);
  } catch (const UsageError& e) {
    // Option values are checked identically on every rank, unless ranks were given
    // different options: agree (at once in the usual case) or abort.
    return fail_or_abort(comm, {e.what(), e.code()});
  } catch (const CollectiveError& e) {
    print_error(comm, e.what());
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    // Not agreed: if every rank failed here too, report once; otherwise abort the job.
    const auto code = dynamic_cast<const Error*>(&e) ? static_cast<const Error&>(e).code()
                                                      : ExitCode::failure;
    return fail_or_abort(comm, {e.what(), code});
  }
}

}  // namespace rankwise::cli
