// Provenance attributes for every output file.
#include "rankwise/io/provenance.hpp"

#include <boost/version.hpp>

#include <ctime>
#include <filesystem>

#include "rankwise/build_info.hpp"
#include "rankwise/errors.hpp"
#include "rankwise/parallel/comm.hpp"
#include "rankwise/simd/target.hpp"

namespace rankwise::io {

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::vector<std::pair<std::string, std::string>> build_description() {
  std::string boost = BOOST_LIB_VERSION;
  for (char& c : boost) if (c == '_') c = '.';
  return {
      {"version", build::version},
      {"git_commit", build::git_commit},
      {"build_type", build::build_type},
      {"compiler", build::compiler},
      {"build_flags", build::flags},
      {"simd_target", simd::dispatched_target()},
      {"simd_compiled_targets", simd::compiled_targets()},
      {"mpi_library", parallel::Environment::library_version()},
      {"mpi_standard", parallel::Environment::standard_version()},
      {"hdf5_version", hdf5_version()},
      {"boost_version", boost},
  };
}

void RunOptions::set(const std::string& name, OptionValue value) {
  for (auto& [n, v] : values) {
    if (n == name) {
      v = std::move(value);
      return;
    }
  }
  values.emplace_back(name, std::move(value));
}

const OptionValue* RunOptions::find(const std::string& name) const {
  for (const auto& [n, v] : values) {
    if (n == name) return &v;
  }
  return nullptr;
}

void write_provenance(Group& root, const parallel::Comm& comm, const Invocation& invocation,
                      int threads) {
  // Root's clock decides the time so that every rank writes the same attribute value.
  std::string when = utc_now();
  comm.broadcast(when);
  root.attribute("rankwise_format", output_format);
  for (const auto& [name, value] : build_description()) root.attribute(name, value);
  root.attribute("command_line", invocation.command_line);
  if (!invocation.config_file.empty()) {
    root.attribute("config_file", invocation.config_file);
    root.attribute("config_file_absolute",
                   std::filesystem::absolute(invocation.config_file).lexically_normal().string());
    root.attribute("config_text", invocation.config_text);
  }
  if (!invocation.rerun_of.empty()) root.attribute("rerun_of", invocation.rerun_of);
  root.attribute("utc_time", when);
  root.attribute("mpi_ranks", comm.size());
  root.attribute("omp_threads_per_rank", threads);
}

void write_options(Group& root, const RunOptions& options) {
  root.attribute("driver", options.driver);
  Group g = root.open_group(options.driver);
  for (const auto& [name, value] : options.values) {
    std::visit(
        [&, n = option_prefix + name](const auto& v) {
          if constexpr (std::is_same_v<std::decay_t<decltype(v)>, bool>) {
            g.flag_attribute(n, v);
          } else {
            g.attribute(n, v);
          }
        },
        value);
  }
}

RunOptions read_options(const Group& root) {
  RunOptions out;
  out.driver = root.string_attribute("driver");
  const Group g = root.open_group(out.driver);
  const std::string prefix = option_prefix;
  for (const std::string& attribute : g.attribute_names()) {
    if (attribute.rfind(prefix, 0) != 0) continue;
    const std::string name = attribute.substr(prefix.size());
    switch (g.attribute_kind(attribute)) {
      case Group::Kind::signed_integer: out.set(name, g.int_attribute(attribute)); break;
      case Group::Kind::unsigned_integer: out.set(name, g.uint_attribute(attribute)); break;
      case Group::Kind::flag: out.set(name, g.uint_attribute(attribute) != 0); break;
      case Group::Kind::real: out.set(name, g.double_attribute(attribute)); break;
      case Group::Kind::text: out.set(name, g.string_attribute(attribute)); break;
      case Group::Kind::other:
        throw InputError("attribute '" + attribute + "' has a type rankwise does not store");
    }
  }
  if (out.values.empty()) {
    throw InputError("no attributes " + prefix + "* on /" + out.driver);
  }
  return out;
}

}  // namespace rankwise::io
