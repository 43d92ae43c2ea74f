// rankwise._core: the compiled half of the Python package (the pure-Python half wraps it).
#include "bindings.hpp"
#include "rankwise/build_info.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "rankwise kernels (pi, nbody, polygons) for Python; see the rankwise package";
  m.attr("__version__") = rankwise::build::version;
  m.attr("git_commit") = rankwise::build::git_commit;
  rankwise::python::bind_pi(m);
  rankwise::python::bind_nbody(m);
  rankwise::python::bind_polygons(m);
  m.def("default_threads", [] { return rankwise::python::threads_or_default(std::nullopt); },
        "OpenMP threads used when threads=None: OMP_NUM_THREADS, else 1 (as the CLI).");
}
