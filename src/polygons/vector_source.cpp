// Loading the GDAL module (src/polygons/ogr/) on demand and reading a layer through it.
#include "rankwise/polygons/vector_source.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <system_error>

#include "rankwise/errors.hpp"

namespace rankwise::polygons {
namespace {

namespace fs = std::filesystem;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Where the module may be: <A>/lib/rankwise/ for A the directory of the executable's parent
// (installed: PREFIX/bin and PREFIX/lib/rankwise; build tree: build/bin and build/lib/rankwise),
// else beside the executable; then, for code loaded into another program (the Python
// package's _core module: build/python/rankwise/, PREFIX/lib/python3/dist-packages/rankwise/),
// <A>/lib/rankwise/ for A that module's directory and up to four of its parents.
std::vector<fs::path> module_candidates() {
  const std::string name = "librankwise_ogr.so";
  std::vector<fs::path> out;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path bin = exe.parent_path();
    out.push_back(bin.parent_path() / "lib" / "rankwise" / name);
    out.push_back(bin / name);
  }
  Dl_info info{};
  if (dladdr(reinterpret_cast<const void*>(&module_candidates), &info) != 0 &&
      info.dli_fname != nullptr) {
    fs::path dir = fs::absolute(fs::path(info.dli_fname), ec).parent_path();
    for (int up = 0; up < 5 && !dir.empty(); ++up, dir = dir.parent_path()) {
      const fs::path candidate = dir / "lib" / "rankwise" / name;
      if (std::find(out.begin(), out.end(), candidate) == out.end()) out.push_back(candidate);
      if (dir == dir.root_path()) break;
    }
  }
  return out;
}

// The module's entry point; loaded once, never unloaded (GDAL registers drivers globally).
ReadVectorFn load_module(const std::string& path) {
  static ReadVectorFn fn = nullptr;
  if (fn != nullptr) return fn;
  std::string tried;
  std::string last_error;
  for (const fs::path& candidate : module_candidates()) {
    tried += (tried.empty() ? "" : ", ") + candidate.string();
    if (!fs::exists(candidate)) continue;
    void* handle = dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* e = dlerror();
      last_error = e != nullptr ? e : "dlopen failed";
      continue;
    }
    fn = reinterpret_cast<ReadVectorFn>(dlsym(handle, kReadVectorSymbol));
    if (fn != nullptr) return fn;
    last_error = candidate.string() + " has no " + kReadVectorSymbol;
  }
  throw InputError(path + ": reading formats other than .shp needs rankwise's GDAL module, " +
                   (last_error.empty() ? "not found (looked for " + tried + ")"
                                       : "which failed to load (" + last_error + ")") +
                   "; convert the file to a shapefile (ogr2ogr -f 'ESRI Shapefile' out.shp " +
                   path + ")");
}

}  // namespace

bool is_plain_shapefile(const std::string& path) {
  const fs::path p(path);
  if (lower(p.extension().string()) == ".shp") return true;
  std::error_code ec;
  return p.extension().empty() && fs::exists(path + ".shp", ec);
}

VectorData read_vector(const VectorRequest& request) {
  std::error_code ec;
  if (request.path.rfind("/vsi", 0) != 0 && !fs::exists(request.path, ec)) {
    throw InputError(request.path + ": no such file or directory");
  }
  const ReadVectorFn read = load_module(request.path);
  VectorData out;
  read(request, out);
  if (!out.error.empty()) throw InputError(out.error);
  return out;
}

}  // namespace rankwise::polygons
