"""Run by pvpython: open an XDMF sidecar with ParaView's default reader and with the legacy
"XDMF Reader", and print, as one JSON line, what each one reads at the first and last time step.

usage: pvpython open_sidecar.py RUN.xdmf
"""
import json
import os
import sys

from paraview import servermanager, simple


def frame(reader, t):
    reader.UpdatePipeline(t)
    data = servermanager.Fetch(reader)
    n = data.GetNumberOfPoints()
    velocity = data.GetPointData().GetArray("velocity")
    mass = data.GetPointData().GetArray("mass")
    return {
        "time": t,
        "points": n,
        "cells": data.GetNumberOfCells(),
        "positions": [list(data.GetPoint(i)) for i in range(n)],
        "velocities": [list(velocity.GetTuple3(i)) for i in range(n)] if velocity else None,
        "masses": [mass.GetValue(i) for i in range(n)] if mass else None,
    }


def read(reader):
    times = list(reader.TimestepValues)
    result = {"reader": reader.GetXMLName(), "times": times}
    if times:
        result["first"] = frame(reader, times[0])
        result["last"] = frame(reader, times[-1])
    simple.Delete(reader)
    return result


path = sys.argv[1]
report = {
    "default": read(simple.OpenDataFile(path)),
    "legacy": read(simple.XDMFReader(FileNames=[path])),
}
# A relative path as docs/nbody.md gives it (with its directory part: ParaView 5.11's Xdmf3
# reader aborts on a bare file name, looking for the HDF5 file under a wrong name).
os.chdir(os.path.dirname(os.path.abspath(path)))
report["default_relative"] = read(simple.OpenDataFile("./" + os.path.basename(path)))
print("RESULT " + json.dumps(report))
