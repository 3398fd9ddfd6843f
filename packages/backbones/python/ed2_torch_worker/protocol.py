"""Framing of the worker protocol: each message is a 4-byte big-endian length followed by one msgpack map.

Requests  {"id": int, "op": str, "args": {...}}
Responses {"id": int, "ok": True, "result": {...}} or {"id": int, "ok": False, "error": {"type", "message", "traceback"}}
Tensors   {"dtype": "f32" | "i32", "shape": [...], "data": bytes (little-endian, row-major)}
The first message the worker writes is the hello {"id": 0, "ok": True, "result": {"protocol": PROTOCOL_VERSION, ...}}.
"""
import struct

import msgpack
import numpy as np

PROTOCOL_VERSION = 1

_DTYPES = {"f32": np.float32, "i32": np.int32}


def read_frame(stream):
    head = _read_exact(stream, 4)
    if head is None:
        return None
    (n,) = struct.unpack(">I", head)
    body = _read_exact(stream, n)
    if body is None:
        return None
    return msgpack.unpackb(body, raw=False)


def _read_exact(stream, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = stream.read(n - len(buf))
        if not chunk:
            return None
        buf.extend(chunk)
    return bytes(buf)


def write_frame(stream, obj):
    body = msgpack.packb(obj, use_bin_type=True)
    stream.write(struct.pack(">I", len(body)))
    stream.write(body)
    stream.flush()


def to_wire(array):
    a = np.ascontiguousarray(array)
    if a.dtype == np.float32:
        kind = "f32"
    elif a.dtype == np.int32:
        kind = "i32"
    else:
        a = a.astype(np.float32)
        kind = "f32"
    return {"dtype": kind, "shape": list(a.shape), "data": a.tobytes()}


def from_wire(t):
    return np.frombuffer(t["data"], dtype=_DTYPES[t["dtype"]]).reshape(t["shape"])
