#pragma once
/// `rankwise rerun FILE.h5`: the run that made FILE again, from the options stored in it, and
/// with --check a bit-for-bit comparison of the new results with FILE's.
#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

#include "rankwise/cli/subcommands.hpp"
#include "rankwise/io/provenance.hpp"
#include "rankwise/parallel/comm.hpp"

namespace rankwise::cli {

/// Options of `rankwise rerun` as typed.
struct RerunText {
  std::string file;
  CommonText common;  ///< -o (default: FILE's name with ".rerun"), --overwrite, --threads, ...
  bool check = false;
};

/// Registers the `rerun` subcommand.
[[nodiscard]] CLI::App* add_rerun_command(CLI::App& app, RerunText& text);

/// The command that repeats a run, rebuilt from its stored options (no run-control options, no
/// side outputs; input paths resolved: the absolute one if it exists, else as given). `file`
/// names the file in messages. Throws InputError for options it cannot rebuild.
[[nodiscard]] std::vector<std::string> rebuild_command(const io::RunOptions& options,
                                                       const std::string& file);

/// Runs a command line (argv without the program name) as `rankwise` would, recording
/// `rerun_of` in its output; returns the exit code.
using CommandRunner =
    std::function<int(const std::vector<std::string>& args, const std::string& rerun_of)>;

/// collective: plan the rerun on root (reads FILE; every rank gets the same plan or error),
/// run it with `runner`, and with --check compare the results; returns the exit code.
[[nodiscard]] int run_rerun(const parallel::Comm& comm, const RerunText& text,
                            const CommandRunner& runner);

}  // namespace rankwise::cli
