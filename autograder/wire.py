"""Pickle-free encoding of plain data between the grader and the sandbox.

The sandbox child runs student code, so nothing it sends may be able to run code or build
arbitrary objects in the grader. This module is the only way values cross the boundary, in
both directions:

* structure is JSON;
* every JSON object is a one-key *tag* (so a student's dict can never be mistaken for a tag):
  ``{"t": [...]}`` tuple, ``{"d": [[key, value], ...]}`` dict with str/int keys,
  ``{"f": "nan" | "inf" | "-inf"}`` non-finite float,
  ``{"a": [dtype, shape, base64]}`` ndarray with dtype in {float64, int64, bool};
* JSON lists are lists; numbers, strings, booleans and null are themselves.

:func:`decode` is strict: anything else (unknown tags, other dtypes, shapes that do not match
the byte count, too deep, too many elements, too many bytes) raises :class:`WireError`.

This file is also shipped *as source text* into the sandbox (the child cannot import the
``autograder`` package), so it imports only the standard library and numpy.
"""
import base64
import json
import math

import numpy as np

__all__ = ["WireError", "encode", "decode", "MAX_BYTES", "DTYPES"]

#: Largest encoded message accepted by :func:`decode` (bytes).
MAX_BYTES = 64 * 1024 * 1024
#: Largest nesting depth accepted by :func:`decode`.
MAX_DEPTH = 32
#: Largest number of array elements in one message.
MAX_ELEMENTS = 4 * 1024 * 1024
#: The only array dtypes that cross the boundary.
DTYPES = {"float64": np.float64, "int64": np.int64, "bool": np.bool_}


class WireError(ValueError):
    """A message that is not valid plain data (refused, never partially trusted)."""


def _enc(x, depth):
    if depth > MAX_DEPTH:
        raise WireError(f"value nested deeper than {MAX_DEPTH} levels")
    # exact types only: subclasses of int/float/str/list/... are not plain data
    t = type(x)
    if x is None or t is bool or t is str:
        return x
    if t is int:
        if not -(2 ** 63) <= x < 2 ** 63:
            raise WireError("integer outside the int64 range")
        return x
    if t is float:
        if math.isnan(x):
            return {"f": "nan"}
        if math.isinf(x):
            return {"f": "inf" if x > 0 else "-inf"}
        return x
    if t is list:
        return [_enc(v, depth + 1) for v in x]
    if t is tuple:
        return {"t": [_enc(v, depth + 1) for v in x]}
    if t is dict:
        items = []
        for k, v in x.items():
            if type(k) not in (str, int):
                raise WireError(f"dict key of type {type(k).__name__} (only str/int keys)")
            items.append([k, _enc(v, depth + 1)])
        return {"d": items}
    if t is np.ndarray:
        name = x.dtype.name
        if name not in DTYPES:
            raise WireError(f"array dtype {name} (only float64, int64, bool)")
        data = np.ascontiguousarray(x).astype(x.dtype.newbyteorder("<"), copy=False).tobytes()
        return {"a": [name, list(x.shape), base64.b64encode(data).decode("ascii")]}
    raise WireError(f"value of type {t.__name__} is not plain data")


def encode(x) -> bytes:
    """Encode plain data (see module docstring) as UTF-8 JSON bytes.

    Raises :class:`WireError` for anything that is not plain data.
    """
    return json.dumps(_enc(x, 0), allow_nan=False, separators=(",", ":")).encode("utf-8")


class _Budget:
    def __init__(self):
        self.elements = 0


def _dec(x, depth, budget):
    if depth > MAX_DEPTH:
        raise WireError(f"message nested deeper than {MAX_DEPTH} levels")
    t = type(x)
    if x is None or t is bool or t is str or t is int or t is float:
        if t is int and not -(2 ** 63) <= x < 2 ** 63:
            raise WireError("integer outside the int64 range")
        return x
    if t is list:
        return [_dec(v, depth + 1, budget) for v in x]
    if t is not dict or len(x) != 1:
        raise WireError("malformed message: JSON objects must be one-key tags")
    (tag, body), = x.items()
    if tag == "t" and type(body) is list:
        return tuple(_dec(v, depth + 1, budget) for v in body)
    if tag == "d" and type(body) is list:
        out = {}
        for item in body:
            if type(item) is not list or len(item) != 2 or type(item[0]) not in (str, int):
                raise WireError("malformed dict item")
            out[item[0]] = _dec(item[1], depth + 1, budget)
        return out
    if tag == "f" and body in ("nan", "inf", "-inf"):
        return float(body)
    if tag == "a" and type(body) is list and len(body) == 3:
        name, shape, data = body
        if name not in DTYPES:
            raise WireError(f"array dtype {name!r} refused")
        if type(shape) is not list or len(shape) > 32 or any(
                type(s) is not int or s < 0 for s in shape):
            raise WireError("malformed array shape")
        if type(data) is not str:
            raise WireError("malformed array data")
        n = 1
        for s in shape:
            n *= s
        budget.elements += n
        if n > MAX_ELEMENTS or budget.elements > MAX_ELEMENTS:
            raise WireError("too many array elements in one message")
        try:
            raw = base64.b64decode(data.encode("ascii"), validate=True)
        except Exception as exc:
            raise WireError(f"bad array bytes: {exc}") from None
        dtype = np.dtype(DTYPES[name]).newbyteorder("<")
        if len(raw) != n * dtype.itemsize:
            raise WireError("array byte count does not match its shape")
        arr = np.frombuffer(raw, dtype=dtype).astype(DTYPES[name]).reshape(shape)
        return arr  # a fresh, writeable, base-class ndarray
    raise WireError(f"unknown tag {tag!r}")


def decode(data: bytes, max_bytes: int = MAX_BYTES):
    """Decode bytes produced by :func:`encode`; strict, raises :class:`WireError` on anything else."""
    if type(data) not in (bytes, bytearray):
        raise WireError("message must be bytes")
    if len(data) > max_bytes:
        raise WireError(f"message of {len(data)} bytes exceeds the cap of {max_bytes}")
    try:
        obj = json.loads(bytes(data).decode("utf-8"),
                         parse_constant=lambda c: (_ for _ in ()).throw(WireError(c)))
    except WireError:
        raise WireError("non-standard JSON constant refused") from None
    except (ValueError, RecursionError) as exc:
        raise WireError(f"not JSON: {str(exc)[:80]}") from None
    return _dec(obj, 0, _Budget())
