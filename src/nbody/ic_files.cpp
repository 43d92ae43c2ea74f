// Initial conditions from files: CSV tables and frames of an earlier nbody output.
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fstream>

#include "rankwise/errors.hpp"
#include "rankwise/io/h5.hpp"
#include "rankwise/io/provenance.hpp"
#include "rankwise/nbody/initial_conditions.hpp"

namespace rankwise::nbody {
namespace {

constexpr std::array<const char*, 7> kColumns = {"x", "y", "z", "vx", "vy", "vz", "m"};

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") + 1 - b);
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t b = 0;
  while (true) {
    const std::size_t e = line.find(',', b);
    fields.push_back(trim(line.substr(b, e == std::string::npos ? std::string::npos : e - b)));
    if (e == std::string::npos) return fields;
    b = e + 1;
  }
}

bool ends_with_csv(const std::string& path) {
  if (path.size() < 4) return false;
  std::string tail = path.substr(path.size() - 4);
  for (char& c : tail) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return tail == ".csv";
}

}  // namespace

Bodies read_csv_initial_conditions(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError("'" + path + "': cannot be opened for reading");
  const std::string expected = "x,y,z,vx,vy,vz,m";
  auto where = [&](std::uint64_t line) { return "'" + path + "' line " + std::to_string(line); };
  std::array<std::size_t, 7> column_of{};  // column of x, y, ... m in the file
  bool header = false;
  Bodies b;
  std::string line;
  std::uint64_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string text = trim(line);
    if (text.empty() || text[0] == '#') continue;
    const auto fields = split(text);
    if (!header) {
      column_of.fill(kColumns.size());
      bool numeric = false;
      for (std::size_t c = 0; c < fields.size(); ++c) {
        double v = 0;
        const char* f = fields[c].data();
        const char* e = f + fields[c].size();
        if (f != e && *f == '+') ++f;
        numeric = numeric || (std::from_chars(f, e, v).ptr == e && f != e);
        for (std::size_t k = 0; k < kColumns.size(); ++k) {
          if (fields[c] != kColumns[k]) continue;
          if (column_of[k] != kColumns.size()) {
            throw InputError(where(number) + ", column " + std::to_string(c + 1) + ": column '" +
                             fields[c] + "' named twice in the header");
          }
          column_of[k] = c;
        }
      }
      if (numeric) {
        throw InputError(where(number) + ": no header line; the first line must name the columns " +
                         expected + " (found '" + text + "')");
      }
      for (std::size_t k = 0; k < kColumns.size(); ++k) {
        if (column_of[k] == kColumns.size() || fields.size() != kColumns.size()) {
          throw InputError(where(number) + ": the header must name exactly the columns " +
                           expected + " (found '" + text + "')");
        }
      }
      header = true;
      continue;
    }
    if (fields.size() != kColumns.size()) {
      throw InputError(where(number) + ": " + std::to_string(fields.size()) +
                       " columns, expected " + std::to_string(kColumns.size()) + " (" + expected +
                       ")");
    }
    std::array<double, 7> value{};
    for (std::size_t k = 0; k < kColumns.size(); ++k) {
      const std::size_t c = column_of[k];
      const std::string& field = fields[c];
      const std::string at = where(number) + ", column " + std::to_string(c + 1) + " (" +
                             kColumns[k] + ")";
      const char* f = field.data();
      const char* e = f + field.size();
      if (f != e && *f == '+') ++f;
      const auto [ptr, ec] = std::from_chars(f, e, value[k]);
      if (field.empty() || ptr != e || (ec != std::errc() && ec != std::errc::result_out_of_range)) {
        throw InputError(at + ": '" + field + "' is not a number");
      }
      if (ec == std::errc::result_out_of_range || !std::isfinite(value[k])) {
        throw InputError(at + ": '" + field + "' is not a finite number");
      }
    }
    if (value[6] < 0) {
      throw InputError(where(number) + ", column " + std::to_string(column_of[6] + 1) +
                       " (m): negative mass " + fields[column_of[6]]);
    }
    for (auto [v, x] : {std::pair{&b.x, value[0]}, {&b.y, value[1]}, {&b.z, value[2]},
                        {&b.vx, value[3]}, {&b.vy, value[4]}, {&b.vz, value[5]}, {&b.m, value[6]}}) {
      v->push_back(x);
    }
  }
  if (in.bad()) throw InputError("'" + path + "': read error");
  if (!header) {
    throw InputError("'" + path + "': empty file (expected a header line " + expected +
                     " and one line per particle)");
  }
  if (b.size() == 0) throw InputError("'" + path + "': no particles after the header line");
  return b;
}

Bodies read_output_frame(const std::string& path, std::int64_t frame, std::uint64_t& frame_used) {
  const io::File file = io::File::open_read(path);
  const io::Group root = file.root();
  const io::Group g = root.open_group("nbody");
  if (!g.exists("time") || !g.exists("masses") || !g.exists("positions")) {
    throw InputError("'" + path + "': the nbody output is incomplete (no /nbody/time, masses or "
                     "positions: the run was killed before it finished writing); use its "
                     "checkpoint with --restart instead");
  }
  const std::uint64_t frames = g.open_dataset("time").dims().at(0);
  const bool stopped = g.has_attribute("completed") && g.int_attribute("completed") == 0;
  const std::int64_t count = static_cast<std::int64_t>(frames);
  const std::int64_t k = frame < 0 ? count + frame : frame;
  if (k < 0 || k >= count) {
    throw InputError("'" + path + "': frame " + std::to_string(frame) + " out of range: it holds " +
                     std::to_string(frames) + " frames (0.." + std::to_string(count - 1) +
                     ", or -1..-" + std::to_string(count) + " from the end)" +
                     (stopped ? "; it is a stopped run (completed = 0) and kept only these" : ""));
  }
  frame_used = static_cast<std::uint64_t>(k);
  const io::Dataset positions = g.open_dataset("positions");
  const io::Dims dims = positions.dims();
  const auto masses = g.open_dataset("masses").read<double>();
  const std::uint64_t n = masses.size();
  if (dims.size() != 3 || dims[0] < frames || dims[1] != n || dims[2] != 3 ||
      g.open_dataset("velocities").dims() != dims) {
    throw InputError("'" + path + "': /nbody/positions, velocities and masses do not match");
  }
  const auto pos = positions.read_block<double>({frame_used, 0, 0}, {1, n, 3});
  const auto vel = g.open_dataset("velocities").read_block<double>({frame_used, 0, 0}, {1, n, 3});
  for (double v : pos) {
    if (!std::isfinite(v)) throw InputError("'" + path + "': frame holds a non-finite position");
  }
  for (double v : vel) {
    if (!std::isfinite(v)) throw InputError("'" + path + "': frame holds a non-finite velocity");
  }
  return Bodies::from_rows(pos, vel, masses);
}

InitialFile describe_initial_file(const std::string& path, std::optional<std::int64_t> frame) {
  InitialFile out;
  out.kind = "file";
  if (ends_with_csv(path)) {
    out.kind = "csv";
    return out;
  }
  const io::File file = io::File::open_read(path);
  const io::Group g = file.root();
  if (!g.exists("nbody") || !g.open_group("nbody").exists("time")) return out;
  const auto count = static_cast<std::int64_t>(g.open_group("nbody").open_dataset("time").dims().at(0));
  const std::int64_t k = frame.value_or(-1) < 0 ? count + frame.value_or(-1) : *frame;
  out.kind = "frame";
  out.frame = static_cast<std::uint64_t>(std::max<std::int64_t>(k, 0));
  return out;
}

InitialFile read_initial_file(const std::string& path, std::optional<std::int64_t> frame) {
  InitialFile out;
  if (ends_with_csv(path)) {
    if (frame) throw InputError("'" + path + "': a CSV table has no frames (drop ':" +
                                std::to_string(*frame) + "')");
    out.kind = "csv";
    out.bodies = read_csv_initial_conditions(path);
    return out;
  }
  const io::File file = io::File::open_read(path);
  const io::Group root = file.root();
  if (root.exists("nbody")) {
    out.kind = "frame";
    out.bodies = read_output_frame(path, frame.value_or(-1), out.frame);
    return out;
  }
  if (root.has_attribute("format") &&
      root.string_attribute("format").rfind("rankwise-nbody-checkpoint", 0) == 0) {
    throw InputError("'" + path + "' is an nbody checkpoint, not initial conditions (continue it "
                     "with --restart " + path + ")");
  }
  if (root.has_attribute("rankwise_format") && !root.exists("positions")) {
    std::string driver = "another driver";
    try {
      driver = "rankwise " + io::read_options(root).driver;
    } catch (const Error&) {
    }
    throw InputError("'" + path + "' is an output of " + driver +
                     ", not of rankwise nbody (no /nbody group)");
  }
  if (frame) {
    throw InputError("'" + path + "': an initial-conditions file (positions, velocities, masses) "
                     "has no frames (drop ':" + std::to_string(*frame) + "')");
  }
  out.kind = "file";
  out.bodies = read_initial_conditions(path);
  return out;
}

}  // namespace rankwise::nbody
