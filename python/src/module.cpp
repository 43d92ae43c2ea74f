// rankwise._core: the compiled half of the Python package (the pure-Python half wraps it).
#include "bindings.hpp"
#include "rankwise/build_info.hpp"
#include "rankwise/errors.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "rankwise kernels (pi, nbody, polygons) for Python; see the rankwise package";
  m.attr("__version__") = rankwise::build::version;
  m.attr("git_commit") = rankwise::build::git_commit;
  // A bad argument or a bad input file is the caller's to fix: ValueError, with the CLI's message.
  pybind11::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const rankwise::UsageError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const rankwise::InputError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const rankwise::IoError& e) {
      PyErr_SetString(PyExc_OSError, e.what());
    } catch (const rankwise::CollectiveError& e) {
      // comm=: an input or argument error one rank saw, raised on every rank alike.
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });
  rankwise::python::bind_pi(m);
  rankwise::python::bind_nbody(m);
  rankwise::python::bind_polygons(m);
  m.def("default_threads", [] { return rankwise::python::threads_or_default(std::nullopt); },
        "OpenMP threads used when threads=None: OMP_NUM_THREADS, else 1 (as the CLI).");
}
