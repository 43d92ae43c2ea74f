"""Run by pvpython: open an XDMF sidecar with ParaView's default reader and with the legacy
"XDMF Reader", and print, as one JSON line, what each one reads at the first and last time step.

usage: pvpython open_sidecar.py RUN.xdmf
"""
import json
import sys

from paraview import servermanager, simple


def frame(reader, t):
    reader.UpdatePipeline(t)
    data = servermanager.Fetch(reader)
    n = data.GetNumberOfPoints()
    velocity = data.GetPointData().GetArray("velocity")
    return {
        "time": t,
        "points": n,
        "cells": data.GetNumberOfCells(),
        "positions": [list(data.GetPoint(i)) for i in range(n)],
        "velocities": [list(velocity.GetTuple3(i)) for i in range(n)] if velocity else None,
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
print("RESULT " + json.dumps(report))
