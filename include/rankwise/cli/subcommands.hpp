#pragma once
/// Registration of the driver subcommands (each in src/cli/<driver>_command.cpp).
#include <CLI/CLI.hpp>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "rankwise/driver/run.hpp"
#include "rankwise/io/provenance.hpp"
#include "rankwise/parallel/comm.hpp"

namespace rankwise::cli {

/// Common options as typed, validated after parsing into driver::CommonOptions.
struct CommonText {
  std::string output;
  bool overwrite = false;
  std::string threads;
  bool quiet = false;
  bool force = false;
  std::string time_limit;
  [[nodiscard]] driver::CommonOptions validate() const;
};

/// The common options of a run as stored in its file: output (as given), threads, quiet,
/// overwrite, force, time_limit (seconds, if given).
void record_common(io::RunOptions& record, const CommonText& text,
                   const driver::CommonOptions& common);

/// Adds --output/-o, --overwrite, --force, --time-limit, --threads, --quiet to a subcommand.
void add_common_options(CLI::App& sub, CommonText& common, const std::string& default_output);

/// When an option has an effect: `holds` is false when this run would ignore `option`.
struct Applies {
  const char* option;  ///< long name as typed, e.g. "--seed"
  bool holds;          ///< the option has an effect in this run
  const char* why;     ///< where it does apply, e.g. "applies to --method montecarlo only"
};

/// One rule for every driver: an option given (on the command line or in --config) that this
/// run would ignore is a usage error "OPTION: WHY" (the first such option), never silently
/// dropped. Options whose effect depends on the rank count (--scatter) are not listed.
void refuse_inapplicable(const CLI::App& sub, std::initializer_list<Applies> rules);

/// A registered subcommand: its CLI11 app and how to run it once parsed.
struct Subcommand {
  CLI::App* app = nullptr;
  std::function<int(const parallel::Comm&, const io::Invocation& invocation)> run;
};

/// Every driver subcommand, registered on `app`.
[[nodiscard]] std::vector<Subcommand> make_subcommands(CLI::App& app);

/// One registration function per driver.
[[nodiscard]] Subcommand make_pi_command(CLI::App& app);
[[nodiscard]] Subcommand make_nbody_command(CLI::App& app);
[[nodiscard]] Subcommand make_polygons_command(CLI::App& app);

}  // namespace rankwise::cli
