// Command-line front end (CLI11): one subcommand per driver.
#include "rankwise/cli/app.hpp"

#include <omp.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <optional>

#include "rankwise/build_info.hpp"
#include "rankwise/cli/parse.hpp"
#include "rankwise/cli/rerun.hpp"
#include "rankwise/cli/subcommands.hpp"
#include "rankwise/driver/stop_point.hpp"
#include "rankwise/io/output_path.hpp"
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

// The first word on the command line that is neither an option, an option's value nor a known
// subcommand (CLI11 only says "A subcommand is required").
std::string unknown_subcommand(int argc, char** argv, CLI::App& app) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--config") {
      ++i;
      continue;
    }
    if (a.empty() || a[0] == '-') continue;
    try {
      (void)app.get_subcommand(a);
      return {};
    } catch (const CLI::OptionNotFound&) {
      return a;
    }
  }
  return {};
}

// The first option on the command line that neither rankwise nor the chosen subcommand knows,
// explained: "-n" belongs to mpiexec; a near miss gets "did you mean". Empty if none. `help`
// becomes the subcommand's help command.
std::string explain_unknown_option(int argc, char** argv, CLI::App& app, std::string& help) {
  CLI::App* sub = nullptr;
  std::vector<std::string> known{"--help", "-h", "--version", "--config"};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.empty() || a[0] != '-') {
      if (sub != nullptr) continue;
      try {
        sub = app.get_subcommand(a);
        help = "rankwise " + a + " --help";
        for (const CLI::Option* opt : sub->get_options()) {
          for (const auto& l : opt->get_lnames()) known.push_back("--" + l);
          for (const auto& n : opt->get_snames()) known.push_back("-" + n);
        }
      } catch (const CLI::OptionNotFound&) {
      }
      continue;
    }
    if (a == "--") break;
    if (const auto eq = a.find('='); eq != std::string::npos) a = a.substr(0, eq);
    if (std::find(known.begin(), known.end(), a) != known.end()) continue;
    if (a == "-n" || a == "-np") {
      return a + ": not a rankwise option; '" + a + " RANKS' belongs to mpiexec, before the " +
             "program (mpiexec -n 4 rankwise pi ...); the count of the work is --terms, " +
             "--samples or --particles";
    }
    if (sub == nullptr && a.size() > 2 && a[1] == '-') {
      return "unknown option " + a + " before the subcommand (choose a subcommand first: "
             "rankwise pi|nbody|polygons|info [options])";
    }
    if (a.size() > 1 && std::isdigit(static_cast<unsigned char>(a[1])) != 0) continue;  // -5
    const std::string near = closest(a, known, a.size() > 4 ? 2 : 1);
    return "unknown option " + a + (sub ? " for 'rankwise " + sub->get_name() + "'" : "") +
           (near.empty() ? "" : "; did you mean " + near + "?");
  }
  return {};
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
  sub.add_flag("-q,--quiet", common.quiet, "Print nothing but errors and warnings");
  sub.add_flag("--force", common.force,
               "Write even if the output looks larger than the free disk space");
  sub.add_option("--time-limit", common.time_limit,
                 "Wall time the job may take, e.g. 3600, 90m, 12:00:00 (default: from Slurm's "
                 "SLURM_JOB_END_TIME or PBS_WALLTIME); nbody checkpoints and stops before it");
}

void record_common(io::RunOptions& record, const CommonText& text,
                   const driver::CommonOptions& common) {
  record.set("output", text.output);
  record.set("threads", static_cast<std::int64_t>(common.threads));
  record.set("quiet", common.quiet);
  record.set("overwrite", common.overwrite);
  record.set("force", common.force);
  if (!text.time_limit.empty()) record.set("time_limit", common.time_limit);
}

driver::CommonOptions CommonText::validate() const {
  driver::CommonOptions o;
  o.output = output;
  o.overwrite = overwrite;
  o.quiet = quiet;
  o.force = force;
  if (!time_limit.empty()) o.time_limit = driver::parse_duration(time_limit, "--time-limit");
  o.threads = threads.empty() ? default_threads()
                              : static_cast<int>(parse_count(threads, "--threads", 4096));
  return o;
}

namespace {

// collective: the --config file's text, read by root (every rank gets root's).
std::string config_text(const std::string& file, const parallel::Comm& comm) {
  std::string text;
  if (comm.is_root() && !file.empty()) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream all;
    all << in.rdbuf();
    text = all.str();
  }
  comm.broadcast(text);
  return text;
}

// collective: parse and run one command line. `rerun_of` (non-empty for a command rebuilt by
// `rankwise rerun`) is recorded in the output, and makes errors in the rebuilt options the
// stored file's fault (exit 1, naming the file).
int run_command(int argc, char** argv, const parallel::Comm& comm, const std::string& rerun_of) {
  CLI::App app{"rankwise: MPI + OpenMP drivers for pi, N-body gravity and polygon areas.\n"
               "Results and per-rank timings go to one HDF5 file.",
               "rankwise"};
  app.set_version_flag("--version", std::string("rankwise ") + build::version + " (" +
                                        build::git_commit + ")");
  app.set_config("--config", "", "Read options from a TOML/INI file ([pi] terms = 1e9 ...)");
  app.allow_config_extras(false);  // a config line that matches no option is an error, not ignored
  app.require_subcommand(1);
  app.fallthrough();

  std::string info_threads;
  auto* info = app.add_subcommand("info", "Print the build configuration and what the run sees");
  info->add_option("--threads", info_threads, "OpenMP threads per rank");

  std::vector<Subcommand> subs = make_subcommands(app);
  RerunText rerun_text;
  auto* rerun = rerun_of.empty() ? add_rerun_command(app, rerun_text) : nullptr;

  // CLI11 opens the --config file itself: a FIFO or a device there would block every rank.
  std::string config_file;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    std::string file;
    if (a == "--config" && i + 1 < argc) file = argv[i + 1];
    if (a.rfind("--config=", 0) == 0) file = a.substr(9);
    if (file.empty()) continue;
    config_file = file;
    try {
      io::check_regular_file(file, "--config");
    } catch (const Error& e) {
      return fail_or_abort(comm, {e.what(), ExitCode::usage});
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return comm.is_root() ? app.exit(e) : 0;
  } catch (const CLI::CallForAllHelp& e) {
    return comm.is_root() ? app.exit(e) : 0;
  } catch (const CLI::CallForVersion& e) {
    return comm.is_root() ? app.exit(e) : 0;
  } catch (const CLI::ConfigError& e) {
    std::string file;
    for (int i = 1; i + 1 < argc; ++i) {
      if (std::string(argv[i]) == "--config") file = argv[i + 1];
    }
    return fail_or_abort(comm, {"--config: cannot use '" + file + "': " + std::string(e.what()),
                                ExitCode::usage});
  } catch (const CLI::ParseError& e) {
    std::string message = e.what();
    std::string help = "rankwise --help";
    if (const std::string hint = explain_unknown_option(argc, argv, app, help); !hint.empty()) {
      message = hint;
    } else if (const std::string word = unknown_subcommand(argc, argv, app); !word.empty()) {
      message = "unknown subcommand '" + word + "' (choose one of: info, pi, nbody, polygons, rerun)";
    }
    if (!rerun_of.empty()) {
      return fail_or_abort(comm, {"rerun: '" + rerun_of + "' stores options this rankwise "
                                  "rejects: " + message, ExitCode::failure});
    }
    return fail_or_abort(comm, {message + " (see " + help + ")", ExitCode::usage});
  }

  // An option given with an empty value ("--dt ''", "--dt=") must not silently mean "default".
  for (CLI::App* sub : app.get_subcommands()) {
    for (const CLI::Option* opt : sub->get_options()) {
      if (opt->count() == 0) continue;
      for (const std::string& value : opt->results()) {
        if (value.empty()) {
          return fail_or_abort(comm, {opt->get_name() + ": expected a value, got an empty one",
                                      ExitCode::usage});
        }
      }
    }
  }

  io::Invocation invocation{join_command_line(argc, argv), config_file,
                            config_text(config_file, comm), rerun_of};
  try {
    if (info->parsed()) {
      const int threads = info_threads.empty()
                              ? default_threads()
                              : static_cast<int>(parse_count(info_threads, "--threads", 4096));
      return run_info(comm, threads);
    }
    if (rerun != nullptr && rerun->parsed()) {
      return run_rerun(comm, rerun_text, [&](const std::vector<std::string>& args,
                                             const std::string& file) {
        std::vector<std::string> words{"rankwise"};
        words.insert(words.end(), args.begin(), args.end());
        std::vector<char*> rebuilt;
        for (auto& w : words) rebuilt.push_back(w.data());
        rebuilt.push_back(nullptr);
        return run_command(static_cast<int>(words.size()), rebuilt.data(), comm, file);
      });
    }
    for (auto& s : subs) {
      if (s.app->parsed()) return s.run(comm, invocation);
    }
    return static_cast<int>(ExitCode::usage);
  } catch (const UsageError& e) {
    // Option values are checked identically on every rank, unless ranks were given
    // different options: agree (at once in the usual case) or abort.
    if (!rerun_of.empty()) {
      return fail_or_abort(comm, {"rerun: '" + rerun_of + "' stores options this rankwise "
                                  "rejects: " + std::string(e.what()), ExitCode::failure});
    }
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

}  // namespace

int run(int argc, char** argv, const parallel::Comm& comm) {
  return run_command(argc, argv, comm, {});
}

}  // namespace rankwise::cli
