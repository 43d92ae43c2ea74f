// `rankwise rerun FILE.h5`: plan on root (read FILE, rebuild the command), run, compare.
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "rankwise/cli/rerun.hpp"
#include "rankwise/errors.hpp"
#include "rankwise/io/compare.hpp"
#include "rankwise/io/h5.hpp"
#include "rankwise/io/output_path.hpp"

namespace rankwise::cli {
namespace {

namespace fs = std::filesystem;

// Stored options a rerun does not pass back: run control comes from the rerun's own command
// line and the current launch; side outputs (checkpoints, shapefiles, CSV tables) would
// overwrite the original run's; *_absolute are the resolved input paths.
const std::vector<std::string> kNotRepeated = {
    "output",          "threads",          "quiet",          "overwrite",
    "force",           "time_limit",       "checkpoint",     "checkpoint_every",
    "checkpoint_walltime", "write_shapefile", "csv",         "format",
    "input_absolute",  "ic_absolute",      "restart_absolute"};

// Not compared by --check: timings and rates, per-rank data (the rank count may differ),
// how the records were distributed, the options, the input's name (a path as given) and
// /nbody/frames (views of /nbody/positions and velocities, which are compared themselves).
const std::vector<std::string> kNotCompared = {
    "option_*", "compute_seconds", "terms_per_second", "samples_per_second",
    "vertices_per_second_per_core", "seconds", "rank", "rank_partials", "scatter", "read_by",
    "source", "frames"};

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string text_of(const io::OptionValue& value) {
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
  if (const auto* u = std::get_if<std::uint64_t>(&value)) return std::to_string(*u);
  if (const auto* d = std::get_if<double>(&value)) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", *d);  // strtod reads back the same double
    return buf;
  }
  return std::get<bool>(value) ? "true" : "false";
}

// An input path of the original run: as given if that is still the same file, else the
// absolute path, else as given (a project moved with its data); an error if neither exists.
std::string resolve_input(const io::RunOptions& o, const std::string& name,
                          const std::string& file) {
  const std::string given = text_of(*o.find(name));
  const io::OptionValue* abs = o.find(name + "_absolute");
  const std::string absolute = abs ? text_of(*abs) : given;
  std::error_code ec;
  if (fs::exists(given, ec) && fs::equivalent(given, absolute, ec)) return given;
  if (fs::exists(absolute, ec)) return absolute;
  if (fs::exists(given, ec)) return given;
  throw InputError("rerun: the input of '" + file + "' (--" + name + " " + given + ", " +
                   absolute + ") no longer exists");
}

// A free name next to `file`: STEM.rerun.h5, else STEM.rerun-2.h5, ... (nbody: the XDMF
// sidecar's name must be free too).
std::string default_output(const std::string& file, bool overwrite, bool sidecar) {
  const fs::path p(file);
  const std::string stem = p.extension() == ".h5" ? p.stem().string() : p.filename().string();
  for (int k = 1;; ++k) {
    const std::string tag = k == 1 ? ".rerun" : ".rerun-" + std::to_string(k);
    const fs::path out = p.parent_path() / (stem + tag + ".h5");
    const fs::path xdmf = p.parent_path() / (stem + tag + ".xdmf");
    if (overwrite || (!fs::exists(out) && !(sidecar && fs::exists(xdmf)))) return out.string();
  }
}

struct Plan {
  std::vector<std::string> args;  // without the program name
  std::string file_absolute;
  std::string output;
  std::string driver;
};

// Root: read FILE, refuse what cannot be rerun, rebuild the command.
Plan plan(const RerunText& t) {
  const std::string& file = t.file;
  (void)t.common.validate();  // this command line's --threads, --time-limit
  io::check_regular_file(file, "rerun");
  if (!fs::exists(file)) throw InputError("rerun: '" + file + "' does not exist");
  const io::File f = [&] {
    try {
      return io::File::open_read(file);
    } catch (const InputError& e) {
      throw InputError("rerun: " + std::string(e.what()));
    }
  }();
  const io::Group root = f.root();
  if (!root.has_attribute("rankwise_format")) {
    if (root.has_attribute("format") &&
        root.string_attribute("format").rfind("rankwise-nbody-checkpoint", 0) == 0) {
      throw InputError("rerun: '" + file + "' is an nbody checkpoint, not a run's output "
                       "(continue it with rankwise nbody --restart " + file + ")");
    }
    if (root.has_attribute("version") && root.has_attribute("command_line")) {
      throw InputError("rerun: '" + file + "' was written by rankwise " +
                       root.string_attribute("version") +
                       ", which did not store its options; its command line was: " +
                       root.string_attribute("command_line"));
    }
    throw InputError("rerun: '" + file + "' is not a rankwise output file (no rankwise "
                     "provenance attributes at /)");
  }
  if (root.attribute_kind("rankwise_format") != io::Group::Kind::signed_integer) {
    throw InputError("rerun: '" + file + "': the attribute rankwise_format is not an integer");
  }
  const std::int64_t format = root.int_attribute("rankwise_format");
  if (format > io::output_format) {
    throw InputError("rerun: '" + file + "' has output format " + std::to_string(format) +
                     ", newer than this rankwise reads (" + std::to_string(io::output_format) +
                     "); use a newer rankwise");
  }
  if (format < 1) {
    throw InputError("rerun: '" + file + "' has an invalid rankwise_format " +
                     std::to_string(format));
  }
  io::RunOptions options;
  try {
    options = io::read_options(root);
  } catch (const Error& e) {
    throw InputError("rerun: '" + file + "' holds no usable stored options: " + e.what());
  }
  if (options.driver == "nbody") {
    const io::Group g = root.open_group("nbody");
    if (g.has_attribute("completed") && g.int_attribute("completed") == 0) {
      throw InputError("rerun: '" + file + "' holds a run that stopped at step " +
                       std::to_string(g.int_attribute("last_step")) + " of " +
                       std::to_string(g.int_attribute("steps")) +
                       " (completed = 0); rerun repeats complete runs only: continue it "
                       "with --restart auto, then rerun the complete output");
    }
  }
  Plan p;
  p.driver = options.driver;
  p.file_absolute = fs::absolute(file).lexically_normal().string();
  p.args = rebuild_command(options, file);
  if (!t.common.output.empty()) {
    std::error_code ec;
    if (fs::exists(t.common.output, ec) && fs::equivalent(t.common.output, file, ec)) {
      throw UsageError("--output: '" + t.common.output + "' is the file being rerun; choose "
                       "another name (or leave -o out: " +
                       default_output(file, false, p.driver == "nbody") + ")");
    }
    p.output = t.common.output;
  } else {
    p.output = default_output(file, t.common.overwrite, p.driver == "nbody");
  }
  p.args.push_back("--output=" + p.output);
  if (t.common.overwrite) p.args.emplace_back("--overwrite");
  if (t.common.quiet) p.args.emplace_back("--quiet");
  if (t.common.force) p.args.emplace_back("--force");
  if (!t.common.threads.empty()) p.args.push_back("--threads=" + t.common.threads);
  if (!t.common.time_limit.empty()) p.args.push_back("--time-limit=" + t.common.time_limit);
  return p;
}

// Plan travels as one string: arguments separated by NUL.
std::string pack(const Plan& p) {
  std::string s = p.file_absolute + '\0' + p.output + '\0' + p.driver;
  for (const auto& a : p.args) s += '\0' + a;
  return s;
}

Plan unpack(const std::string& s) {
  std::vector<std::string> parts;
  std::size_t b = 0;
  while (true) {
    const std::size_t e = s.find('\0', b);
    parts.push_back(s.substr(b, e == std::string::npos ? std::string::npos : e - b));
    if (e == std::string::npos) break;
    b = e + 1;
  }
  Plan p;
  p.file_absolute = parts.at(0);
  p.output = parts.at(1);
  p.driver = parts.at(2);
  p.args.assign(parts.begin() + 3, parts.end());
  return p;
}

std::string shown(const std::vector<std::string>& args) {
  std::string out = "rankwise";
  for (std::string a : args) {
    if (a.find_first_of(" \t\"'") != std::string::npos) a = "'" + a + "'";
    out += " " + a;
  }
  return out;
}

}  // namespace

CLI::App* add_rerun_command(CLI::App& app, RerunText& text) {
  auto* sub = app.add_subcommand(
      "rerun", "Run again from the options stored in a rankwise output file; --check compares");
  sub->footer(
      "Examples:\n"
      "  rankwise rerun run.h5                      # writes run.rerun.h5 next to run.h5\n"
      "  mpiexec -n 4 rankwise rerun run.h5 --check # same results, bit for bit, at 4 ranks?\n"
      "  rankwise rerun run.h5 -o again.h5 --threads 2\n"
      "Ranks and threads come from this launch; -o, --overwrite, --threads, -q, --force and\n"
      "--time-limit from this command line. Checkpoints, shapefiles and CSV tables of the\n"
      "original run are not written again. See the README, 'Regenerate a run from its file'.");
  sub->add_option("file", text.file, "Output file of an earlier run (rankwise pi/nbody/polygons)")
      ->required();
  add_common_options(*sub, text.common, "");
  sub->get_option("--output")->description("HDF5 output file (default: FILE's name + .rerun.h5)");
  sub->add_flag("--check", text.check,
                "Compare the new results with FILE's, bit for bit; exit 1 if any differs");
  return sub;
}

std::vector<std::string> rebuild_command(const io::RunOptions& options, const std::string& file) {
  const std::string& d = options.driver;
  if (d != "pi" && d != "nbody" && d != "polygons") {
    throw InputError("rerun: '" + file + "' was made by an unknown driver '" + d + "'");
  }
  std::vector<std::string> args{d};
  for (const auto& [name, value] : options.values) {
    if (contains(kNotRepeated, name)) continue;
    if (d == "polygons" && name == "input") {
      args.push_back(resolve_input(options, name, file));
      continue;
    }
    std::string text = text_of(value);
    if (d == "nbody" && name == "restart" && text == "auto") continue;
    if (d == "nbody" && (name == "restart" || (name == "ic" && text != "plummer" &&
                                               text != "uniform" && text != "king"))) {
      text = resolve_input(options, name, file);
    }
    std::string flag = "--" + name;
    for (char& c : flag) c = c == '_' ? '-' : c;
    if (const auto* b = std::get_if<bool>(&value)) {
      if (*b) args.push_back(flag);
    } else {
      args.push_back(flag + "=" + text);
    }
  }
  return args;
}

int run_rerun(const parallel::Comm& comm, const RerunText& text, const CommandRunner& runner) {
  std::string packed = comm.agreed([&] { return comm.is_root() ? pack(plan(text)) : std::string(); });
  comm.broadcast(packed);
  const Plan p = unpack(packed);
  if (comm.is_root() && !text.common.quiet) {
    std::printf("rerun of '%s': %s\n", text.file.c_str(), shown(p.args).c_str());
    std::fflush(stdout);
  }
  const int code = runner(p.args, p.file_absolute);
  if (!text.check || (code != 0 && code != 1)) return code;
  // The output exists if the run got as far as writing it (pi's unconverged tolerance: exit 1).
  struct Verdict {
    std::uint64_t compared = 0, differ = 0;
    std::string first;
  };
  const Verdict v = comm.agreed([&] {
    Verdict out;
    if (!comm.is_root() || !fs::exists(p.output)) return out;
    for (const auto& c : io::compare_results(text.file, p.output, p.driver, kNotCompared)) {
      ++out.compared;
      if (!c.same && out.differ++ == 0) out.first = c.path;
      if (!text.common.quiet || !c.same) {
        std::printf("check %-40s %s\n", c.path.c_str(), c.detail.c_str());
      }
    }
    std::fflush(stdout);
    return out;
  });
  const std::uint64_t compared = comm.max(v.compared);
  const std::uint64_t differ = comm.max(v.differ);
  if (compared == 0) return code;  // nothing was written (the run's error was reported)
  if (differ != 0) {
    if (comm.is_root()) {
      std::fprintf(stderr,
                   "rankwise: error: --check: %llu of %llu quantities differ from '%s' (first: "
                   "%s)\n",
                   static_cast<unsigned long long>(differ),
                   static_cast<unsigned long long>(compared), text.file.c_str(),
                   v.first.c_str());
    }
    return static_cast<int>(ExitCode::failure);
  }
  if (comm.is_root() && !text.common.quiet) {
    std::printf("check: all %llu quantities of /%s identical to '%s', bit for bit\n",
                static_cast<unsigned long long>(compared), p.driver.c_str(), text.file.c_str());
  }
  return code;
}

}  // namespace rankwise::cli
