// `rankwise pi` options.
#include <memory>

#include "rankwise/cli/parse.hpp"
#include "rankwise/cli/subcommands.hpp"
#include "rankwise/pi/pi_driver.hpp"
#include "rankwise/pi/series.hpp"

namespace rankwise::cli {
namespace {
// The effective options as stored as /pi attributes option_*: only those that apply to the method.
io::RunOptions record(const pi::PiOptions& o) {
  io::RunOptions r;
  r.driver = "pi";
  const bool series = o.method == pi::Method::series;
  r.set("method", std::string(series ? "series" : "montecarlo"));
  r.set(series ? "terms" : "samples", o.count);
  if (!series) r.set("seed", o.seed);
  if (o.tolerance) r.set("tolerance", *o.tolerance);
  if (!series && o.tolerance) r.set("batch", o.batch);
  r.set("sweep", o.sweep);
  return r;
}

struct PiText {
  CommonText common;
  std::string method = "series";
  std::string terms;
  std::string samples;
  std::string seed = "42";
  std::string tolerance;
  std::string batch = "1e7";
  bool sweep = false;
};
}  // namespace

Subcommand make_pi_command(CLI::App& app) {
  auto text = std::make_shared<PiText>();
  auto* sub = app.add_subcommand("pi", "Estimate pi: midpoint series or Monte Carlo");
  sub->footer(
      "Examples:\n"
      "  mpiexec -n 2 rankwise pi                         # series, N = 1e9\n"
      "  mpiexec -n 4 --map-by slot:PE=2 rankwise pi --terms 1e11 --threads 2\n"
      "  rankwise pi --method montecarlo --samples 1e9 --seed 7\n"
      "  rankwise pi --tolerance 1e-12                    # grow N until |pi_N - pi| < 1e-12\n"
      "  rankwise pi --sweep --terms 1e9 -o sweep.h5      # N = 10, 100, ..., 1e9");
  sub->add_option("--method", text->method, "series | montecarlo")
      ->check(CLI::IsMember({"series", "montecarlo"}))
      ->capture_default_str();
  sub->add_option("-N,--terms", text->terms,
                  "Series terms N (1e9 by default; the limit with --tolerance)");
  sub->add_option("--samples", text->samples,
                  "Monte Carlo samples (1e8 by default; the limit with --tolerance)");
  sub->add_option("--seed", text->seed, "Monte Carlo seed (64-bit)")->capture_default_str();
  sub->add_option("--tolerance", text->tolerance, "Stop once |estimate - pi| < T");
  sub->add_option("--batch", text->batch, "Monte Carlo samples added per tolerance step")
      ->capture_default_str();
  sub->add_flag("--sweep", text->sweep, "Estimates for N = 10, 100, ... up to --terms/--samples");
  add_common_options(*sub, text->common, "rankwise-pi.h5");

  return {sub, [text, sub](const parallel::Comm& comm, const io::Invocation& invocation) {
            pi::PiOptions o;
            o.method = text->method == "montecarlo" ? pi::Method::montecarlo : pi::Method::series;
            const bool series = o.method == pi::Method::series;
            refuse_inapplicable(
                *sub,
                {{"--terms", series, "applies to --method series only; Monte Carlo takes --samples"},
                 {"--samples", !series,
                  "applies to --method montecarlo only; the series takes --terms"},
                 {"--seed", !series,
                  "applies to --method montecarlo only (the series involves no random numbers)"},
                 {"--batch", !series && !text->tolerance.empty(),
                  "applies to --method montecarlo with --tolerance only (samples added per step)"},
                 {"--time-limit", false,
                  "applies to nbody only (pi keeps no checkpoint to stop at)"}});
            if (series) {
              o.count = text->terms.empty() ? 1'000'000'000
                                            : parse_count(text->terms, "--terms",
                                                          pi::series_max_terms);
            } else {
              o.count = text->samples.empty() ? 100'000'000
                                              : parse_count(text->samples, "--samples");
            }
            o.seed = parse_seed(text->seed);
            if (!text->tolerance.empty()) {
              o.tolerance = parse_real(text->tolerance, "--tolerance", true);
              // Doubles next to pi are 4.44e-16 apart: no estimate can get closer than half that.
              if (*o.tolerance < 4.5e-16) {
                throw UsageError("--tolerance: " + text->tolerance +
                                 " is below the spacing of doubles near pi (4.4e-16), so no "
                                 "estimate could reach it; use 1e-15 or more");
              }
            }
            o.batch = parse_count(text->batch, "--batch");
            o.sweep = text->sweep;
            if (o.sweep && o.tolerance) {
              throw UsageError("--sweep: cannot be combined with --tolerance");
            }
            const driver::CommonOptions common = text->common.validate();
            io::RunOptions options = record(o);
            record_common(options, text->common, common);
            driver::Run run(comm, common, invocation);
            run.record_options(std::move(options));
            return pi::run(o, run);
          }};
}

}  // namespace rankwise::cli
