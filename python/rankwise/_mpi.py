"""mpi4py communicators as the Fortran handles the compiled module takes."""


def handle(comm):
    """None for None; else the Fortran handle of an mpi4py communicator (Comm.py2f())."""
    if comm is None:
        return None
    py2f = getattr(comm, "py2f", None)
    if py2f is None:
        raise TypeError(f"comm: expected an mpi4py communicator, got {type(comm).__name__}")
    return int(py2f())
